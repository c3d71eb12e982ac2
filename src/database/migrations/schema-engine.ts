import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as engineBindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import { readFile } from 'node:fs/promises';
import { Pool } from 'pg';

/** The part of the WebAssembly global used here (its types live in lib.dom, which this project leaves out). */
declare const WebAssembly: {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: object): Promise<{ exports: Record<string, unknown> }>;
};

let instantiated: Promise<void> | undefined;

/**
 * The package's entry point imports its `.wasm` file the way bundlers do, which plain Node cannot;
 * so the module is compiled here and its exports handed to the generated bindings.
 */
function instantiateEngine(): Promise<void> {
  instantiated ??= (async () => {
    const wasmPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg').replace(/\.js$/, '.wasm');
    const module = await WebAssembly.compile(await readFile(wasmPath));
    const instance = await WebAssembly.instantiate(module, { './schema_engine_bg.js': engineBindings });
    engineBindings.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start(): void }).__wbindgen_start();
  })();
  return instantiated;
}

export interface OpenSchemaEngine {
  engine: SchemaEngine;
  close: () => Promise<void>;
}

/** Prisma's schema engine, compiled to WebAssembly, talking to PostgreSQL through the pg adapter. */
export async function openSchemaEngine(url: string, schema: string): Promise<OpenSchemaEngine> {
  await instantiateEngine();
  const pool = new Pool({ connectionString: url, max: 2 });
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg(pool));
  const engine = await engineBindings.SchemaEngine.new({ datamodels: [['schema.prisma', schema]] }, () => undefined, adapter);
  return {
    engine,
    close: async () => {
      engine.free();
      await pool.end();
    },
  };
}

export const NO_FILTERS = { externalTables: [], externalEnums: [] };
