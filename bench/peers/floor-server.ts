// The floor: bare node:http and pg, serving the benchmark's four API requests with the same
// queries the service makes, and nothing else (no framework, validation, auth, logging, metrics).
// What the service could reach if it cost nothing above the driver. Reads DATABASE_URL and PORT.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { CronExpressionParser } from 'cron-parser';
import { Pool } from 'pg';

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10, application_name: 'floor' });

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>;
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://floor');
  const byId = /^\/jobs\/(\d+)$/.exec(url.pathname);
  if (url.pathname === '/health') return send(response, 200, { status: 'ok' });
  if (request.method === 'GET' && byId) {
    const { rows } = await pool.query('SELECT * FROM jobs WHERE id = $1', [Number(byId[1])]);
    return rows[0] ? send(response, 200, rows[0]) : send(response, 404, { message: 'not found' });
  }
  if (request.method === 'GET' && url.pathname === '/jobs') {
    const limit = Number(url.searchParams.get('limit') ?? 20);
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const [page, count] = await Promise.all([
      pool.query('SELECT * FROM jobs ORDER BY id LIMIT $1 OFFSET $2', [limit, offset]),
      pool.query<{ count: string }>('SELECT count(*) FROM jobs'),
    ]);
    return send(response, 200, { data: page.rows, total: Number(count.rows[0].count), limit, offset });
  }
  if (request.method === 'POST' && url.pathname === '/jobs') {
    const body = await readJson(request);
    const timezone = (body.timezone as string | undefined) ?? 'UTC';
    const isActive = body.isActive !== false;
    const nextRun = isActive ? CronExpressionParser.parse(body.schedule as string, { tz: timezone }).next().toDate() : null;
    const { rows } = await pool.query(
      `INSERT INTO jobs (name, schedule, timezone, type, params, is_active, next_run, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now()) RETURNING *`,
      [body.name, body.schedule, timezone, body.type ?? 'log', body.params ?? { level: 'log' }, isActive, nextRun],
    );
    return send(response, 201, rows[0]);
  }
  if (request.method === 'PATCH' && byId) {
    const body = await readJson(request);
    const { rows } = await pool.query('UPDATE jobs SET description = $2, updated_at = now() WHERE id = $1 RETURNING *', [
      Number(byId[1]),
      body.description,
    ]);
    return rows[0] ? send(response, 200, rows[0]) : send(response, 404, { message: 'not found' });
  }
  send(response, 404, { message: 'not found' });
}

createServer((request, response) => {
  handle(request, response).catch((error: unknown) => send(response, 500, { message: String(error) }));
}).listen(Number(process.env.PORT), '127.0.0.1');
