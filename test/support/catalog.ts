import { withClient } from './test-server';

/**
 * The parts of a database's catalog that a schema defines, each as `kind name` -> definition, so two
 * catalogs compare entry by entry. Prisma's own bookkeeping table is left out: only a database built by
 * migrations has it.
 */
export type Catalog = Map<string, string>;

const IGNORED_TABLES = ['_prisma_migrations'];

const QUERIES: { kind: string; sql: string }[] = [
  {
    kind: 'table',
    sql: `SELECT c.relname AS name, c.relkind::text || CASE WHEN c.relrowsecurity THEN ' rls' ELSE '' END AS definition
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`,
  },
  {
    kind: 'column',
    sql: `SELECT c.relname || '.' || a.attname AS name,
                 format_type(a.atttypid, a.atttypmod)
                   || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE ' NULL' END
                   || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
                   || CASE WHEN a.attidentity <> '' THEN ' IDENTITY ' || a.attidentity::text ELSE '' END
                   || CASE WHEN a.attgenerated <> '' THEN ' GENERATED ' || a.attgenerated::text ELSE '' END
                   || coalesce(' COLLATE ' || co.collname, '') AS definition
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 100 -- 100: the default
           WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped`,
  },
  {
    // indexdef is the full CREATE INDEX statement: columns, order, uniqueness, method and partial WHERE.
    kind: 'index',
    sql: `SELECT tablename || '.' || indexname AS name, indexdef AS definition FROM pg_indexes WHERE schemaname = 'public'`,
  },
  {
    kind: 'constraint',
    sql: `SELECT c.relname || '.' || con.conname AS name,
                 con.contype::text || ' ' || pg_get_constraintdef(con.oid, true)
                   || CASE WHEN con.condeferrable THEN ' DEFERRABLE' ELSE '' END AS definition
            FROM pg_constraint con
            JOIN pg_class c ON c.oid = con.conrelid
            JOIN pg_namespace n ON n.oid = con.connamespace
           WHERE n.nspname = 'public'`,
  },
  {
    kind: 'enum',
    sql: `SELECT t.typname AS name, string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder) AS definition
            FROM pg_type t
            JOIN pg_enum e ON e.enumtypid = t.oid
            JOIN pg_namespace n ON n.oid = t.typnamespace
           WHERE n.nspname = 'public'
           GROUP BY t.typname`,
  },
  {
    kind: 'sequence',
    sql: `SELECT sequencename AS name,
                 data_type::text || ' start ' || start_value || ' increment ' || increment_by
                   || ' min ' || min_value || ' max ' || max_value || CASE WHEN cycle THEN ' cycle' ELSE '' END AS definition
            FROM pg_sequences WHERE schemaname = 'public'`,
  },
  {
    kind: 'trigger',
    sql: `SELECT c.relname || '.' || t.tgname AS name, pg_get_triggerdef(t.oid, true) AS definition
            FROM pg_trigger t
            JOIN pg_class c ON c.oid = t.tgrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND NOT t.tgisinternal`,
  },
];

export async function readCatalog(url: string): Promise<Catalog> {
  return withClient(url, async (client) => {
    const catalog: Catalog = new Map();
    for (const { kind, sql } of QUERIES) {
      const { rows } = await client.query<{ name: string; definition: string }>(sql);
      for (const { name, definition } of rows) {
        if (IGNORED_TABLES.some((table) => name === table || name.startsWith(`${table}.`))) continue;
        catalog.set(`${kind} ${name}`, definition);
      }
    }
    return catalog;
  });
}

/** Every entry that is missing from one side or defined differently, one readable line each. */
export function compareCatalogs(left: Catalog, right: Catalog, names: [string, string]): string[] {
  const keys = [...new Set([...left.keys(), ...right.keys()])].sort();
  return keys.flatMap((key) => {
    const a = left.get(key);
    const b = right.get(key);
    if (a === b) return [];
    if (a === undefined) return [`${key}: only in ${names[1]}: ${b}`];
    if (b === undefined) return [`${key}: only in ${names[0]}: ${a}`];
    return [`${key}: ${names[0]} has ${a}; ${names[1]} has ${b}`];
  });
}
