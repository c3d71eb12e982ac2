import type { QueryResult, QueryResultRow } from 'pg';

/** A pg Pool or a client inside a transaction. */
export interface Queryable {
  query<Row extends QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<Row>>;
}
