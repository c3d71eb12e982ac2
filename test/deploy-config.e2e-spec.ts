import { execFile, spawnSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  adaptNginxConfig,
  adaptPrometheusConfig,
  alertExpressions,
  DEPLOY_FILES,
  dashboardExpressions,
  exposedMetricNames,
  findExecutable,
  metricNamesIn,
  NGINX_EXPORTER_SERIES,
  readDashboard,
  SCRAPE_SERIES,
} from './support/deploy-files';
import { deleteBrokerQueues, LOCAL_AMQP_URL, uniqueQueueName } from './support/rabbitmq';
import { ServiceProcess } from './support/service-process';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { waitFor } from './support/wait-for';

/**
 * The deployment files (Dockerfile, docker-compose.yml, deploy/) checked with the tools that read
 * them, where installed (.ci/run installs them from Debian), and the Grafana dashboard and alert rules
 * against the metrics the built service really exports.
 */

const run = promisify(execFile);
const read = (path: string) => readFileSync(path, 'utf8');

const tools = {
  nginx: findExecutable('nginx'),
  promtool: findExecutable('promtool'),
  dockerComposeV1: findExecutable('docker-compose'),
  docker: findExecutable('docker'),
};
const composeV2 = tools.docker && spawnSync(tools.docker, ['compose', 'version']).status === 0 ? tools.docker : undefined;

/** `it`, or `it.skip` with the reason in the test's name so that the run's output says what was not checked. */
function itWith(tool: string | undefined, name: string, install: string) {
  if (tool) return (body: () => Promise<void>) => it(name, body);
  console.warn(`skipped "${name}": ${install}`);
  return (body: () => Promise<void>) => it.skip(`${name} (skipped: ${install})`, body);
}

/** The services of `docker-compose config`'s output, each with its lines (two-space indented service keys). */
function serviceBlocks(resolved: string): Map<string, string> {
  const blocks = new Map<string, string>();
  const services = resolved.split(/^services:\n/m)[1]?.split(/^\S/m)[0] ?? '';
  for (const block of services.split(/^(?= {2}[\w-]+:$)/m)) {
    const name = /^ {2}([\w-]+):$/m.exec(block)?.[1];
    if (name) blocks.set(name, block);
  }
  return blocks;
}

async function failureOutput(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return '';
  } catch (error) {
    const { stdout, stderr, message } = error as { stdout?: string; stderr?: string; message: string };
    return `${message}\n${stdout ?? ''}\n${stderr ?? ''}`;
  }
}

describe('deployment files', () => {
  let scratch: string;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'scheduler-deploy-config-'));
  });

  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  describe('docker-compose.yml', () => {
    const replicas = ['scheduler-1', 'scheduler-2', 'scheduler-3', 'worker-1'];
    const services = ['postgres', 'redis', 'rabbitmq', ...replicas, 'nginx', 'nginx-exporter', 'prometheus', 'grafana'];

    itWith(tools.dockerComposeV1, 'is valid for docker-compose v1 and has the whole stack', 'docker-compose is not installed (apt-get install docker-compose)')(async () => {
      // The file's own defaults, whatever this shell exports.
      const defaults = Object.fromEntries(
        ['API_TOKENS', 'METRICS_TOKEN', 'POSTGRES_PASSWORD', 'RABBITMQ_USER', 'RABBITMQ_PASSWORD', 'HTTP_PORT'].map((name) => [name, '']),
      );
      const options = { cwd: DEPLOY_FILES.root, env: { ...process.env, ...defaults } };
      expect(await failureOutput(run(tools.dockerComposeV1!, ['-f', DEPLOY_FILES.compose, 'config', '-q'], options))).toBe('');
      const { stdout } = await run(tools.dockerComposeV1!, ['-f', DEPLOY_FILES.compose, 'config', '--services'], options);
      expect(stdout.trim().split('\n').sort()).toEqual([...services].sort());
      const { stdout: resolved } = await run(tools.dockerComposeV1!, ['-f', DEPLOY_FILES.compose, 'config'], options);
      const blocks = serviceBlocks(resolved);
      expect([...blocks.keys()].sort()).toEqual([...services].sort());
      // Every replica in broker mode on the stack's RabbitMQ, with the user RabbitMQ is created with.
      for (const replica of replicas) {
        const block = blocks.get(replica)!;
        // NODE_ENV=production refuses to start without API_TOKENS: the replicas get the local default.
        expect(block).toMatch(/^ +API_TOKENS: local-api-token$/m);
        expect(block).toMatch(/^ +NODE_ENV: production$/m);
        expect(block).toMatch(/^ +DATABASE_URL: postgresql:\/\/scheduler:scheduler@postgres:5432\/scheduler$/m);
        expect(block).toMatch(/^ +REDIS_URL: redis:\/\/redis:6379$/m);
        expect(block).toMatch(/^ +EXECUTION_MODE: broker$/m);
        expect(block).toMatch(/^ +AMQP_URL: amqp:\/\/scheduler:scheduler@rabbitmq:5672$/m);
        expect(block).toMatch(new RegExp(`^ +INSTANCE_ID: ${replica}$`, 'm'));
        expect(block).toMatch(/^ +rabbitmq:\n +condition: service_healthy$/m);
        // Three replicas schedule and execute; worker-1 only executes.
        expect(block).toMatch(new RegExp(`^ +SCHEDULER_ENABLED: ["']?${replica.startsWith('worker') ? 'false' : 'true'}["']?$`, 'm'));
        expect(block).toMatch(/^ +WORKER_ENABLED: ["']?true["']?$/m);
      }
      const rabbitmq = blocks.get('rabbitmq')!;
      expect(rabbitmq).toMatch(/^ +RABBITMQ_DEFAULT_USER: scheduler$/m);
      expect(rabbitmq).toMatch(/^ +RABBITMQ_DEFAULT_PASS: scheduler$/m);
      expect(rabbitmq).toMatch(/rabbitmq-diagnostics[\s\S]*-q[\s\S]*ping/);
      expect(rabbitmq).toMatch(/^ +hostname: rabbitmq$/m);
      // Nginx sends requests to the scheduler replicas only; Prometheus scrapes the worker too.
      expect(blocks.get('nginx')).not.toContain('worker-1');
      expect(blocks.get('prometheus')).toMatch(/^ +worker-1:$/m);
    });

    itWith(composeV2, 'is valid for Compose v2', 'no `docker compose` plugin here; docker-compose v1 checked the file')(async () => {
      expect(await failureOutput(run(tools.docker!, ['compose', '-f', DEPLOY_FILES.compose, 'config', '-q'], { cwd: DEPLOY_FILES.root }))).toBe('');
    });
  });

  describe('Dockerfile', () => {
    const dockerfile = read(DEPLOY_FILES.dockerfile);
    const stages = dockerfile.split(/^FROM /m).slice(1);
    const finalStage = stages[stages.length - 1];

    it('builds in one stage and runs node:24-bookworm-slim with production dependencies only, as a non-root user', () => {
      expect(stages).toHaveLength(2);
      expect(/^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1]).toBe('node:24-bookworm-slim');
      expect(stages[0]).toMatch(/^\$\{NODE_IMAGE\} AS build/);
      expect(stages[0]).toMatch(/RUN npm ci\b/);
      expect(stages[0]).toMatch(/RUN npm run build\b/);
      expect(finalStage).toMatch(/^\$\{NODE_IMAGE\}\n/);
      expect(finalStage).toMatch(/npm ci --omit=dev --omit=optional --ignore-scripts/);
      expect(finalStage).toMatch(/^USER node$/m);
      expect(finalStage).toMatch(/^HEALTHCHECK .*\n?.*\/health\/live/m);
      expect(finalStage).toMatch(/^CMD \["node", "dist\/main\.js"\]$/m);
      for (const folder of ['dist', 'dist-ui', 'prisma']) expect(finalStage).toContain(`COPY --from=build /app/${folder} ./${folder}`);
    });

    it('copies only files that exist and that .dockerignore lets into the build context', () => {
      const ignored = read(DEPLOY_FILES.dockerignore)
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line && !line.startsWith('#'));
      for (const needed of ['src', 'ui', 'prisma', 'package.json', 'package-lock.json', 'tsconfig.json', 'nest-cli.json', 'prisma.config.ts']) {
        expect(ignored).not.toContain(needed);
      }
      for (const excluded of ['node_modules', 'dist', '.git', '.env', '.data']) expect(ignored).toContain(excluded);
      const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap(([, list]) => list.split(/\s+/)).filter((source) => source !== '.');
      expect(sources.length).toBeGreaterThan(0);
      for (const source of sources) expect(readdirSync(DEPLOY_FILES.root)).toContain(source);
    });

    it('installs, in its final stage, every package that dist/ loads', () => {
      // `npm ci --omit=dev --omit=optional` installs exactly the lock's entries that are neither dev nor optional.
      const lock = JSON.parse(read(join(DEPLOY_FILES.root, 'package-lock.json'))) as {
        packages: Record<string, { dev?: boolean; optional?: boolean; devOptional?: boolean }>;
      };
      const installed = (name: string) => {
        const entry = lock.packages[`node_modules/${name}`];
        return Boolean(entry && !entry.dev && !entry.optional && !entry.devOptional);
      };
      const builtins = new Set(builtinModules);
      const loaded = new Set<string>();
      const visit = (folder: string) => {
        for (const entry of readdirSync(folder, { withFileTypes: true })) {
          const path = join(folder, entry.name);
          if (entry.isDirectory()) visit(path);
          else if (entry.name.endsWith('.js')) {
            for (const [, specifier] of read(path).matchAll(/(?:require|import|require\.resolve)\(\s*["'`]([^"'`./][^"'`]*)["'`]/g)) {
              if (specifier.startsWith('node:') || builtins.has(specifier)) continue;
              loaded.add(specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/'));
            }
          }
        }
      };
      visit(join(DEPLOY_FILES.root, 'dist'));
      expect(loaded.size).toBeGreaterThan(10);
      expect([...loaded].filter((name) => !installed(name))).toEqual([]);
    });
  });

  itWith(tools.nginx, 'nginx -t accepts deploy/nginx/nginx.conf (upstream host names swapped for loopback)', 'nginx is not installed (apt-get install nginx)')(async () => {
    const directory = join(scratch, 'nginx');
    rmSync(directory, { recursive: true, force: true });
    mkdirSync(directory);
    const config = adaptNginxConfig(read(DEPLOY_FILES.nginx), {
      directory,
      port: 18080,
      statusPort: 18081,
      upstreams: ['127.0.0.1:13001', '127.0.0.1:13002', '127.0.0.1:13003'],
    });
    expect(config).not.toMatch(/scheduler-\d/);
    expect(config.match(/^\s*server 127\.0\.0\.1:1300\d max_fails=3 fail_timeout=10s;$/gm)).toHaveLength(3);
    writeFileSync(join(directory, 'nginx.conf'), config);
    const { stderr } = await run(tools.nginx!, ['-t', '-p', directory, '-e', join(directory, 'error.log'), '-c', join(directory, 'nginx.conf')]);
    expect(stderr).toMatch(/syntax is ok/);
    expect(stderr).toMatch(/test is successful/);
  });

  describe('Prometheus configuration', () => {
    itWith(tools.promtool, 'promtool accepts prometheus.yml, its loopback copy and alerts.yml', 'promtool is not installed (apt-get install prometheus)')(async () => {
      // The real file's token file exists only inside the container, hence --syntax-only for it.
      expect(await failureOutput(run(tools.promtool!, ['check', 'config', '--syntax-only', DEPLOY_FILES.prometheus]))).toBe('');
      const tokenFile = join(scratch, 'metrics-token');
      writeFileSync(tokenFile, 'token');
      const copy = join(scratch, 'prometheus.yml');
      writeFileSync(
        copy,
        adaptPrometheusConfig(read(DEPLOY_FILES.prometheus), {
          schedulerTargets: ['127.0.0.1:13001', '127.0.0.1:13002'],
          workerTargets: ['127.0.0.1:13003'],
          nginxExporterTarget: '127.0.0.1:19113',
          selfTarget: '127.0.0.1:19090',
          tokenFile,
          intervalSeconds: 1,
        }),
      );
      expect(await failureOutput(run(tools.promtool!, ['check', 'config', copy]))).toBe('');
      expect(await failureOutput(run(tools.promtool!, ['check', 'rules', DEPLOY_FILES.alerts]))).toBe('');
    });

    it('scrapes every replica with the metrics token, Nginx through its exporter, and loads the alert rules', () => {
      const config = read(DEPLOY_FILES.prometheus);
      for (const target of ['scheduler-1:3000', 'scheduler-2:3000', 'scheduler-3:3000', 'worker-1:3000', 'nginx-exporter:9113']) {
        expect(config).toContain(`- ${target}`);
      }
      // One job for every replica of the service, the worker-only one told apart by its role.
      expect(config).toMatch(/- scheduler-3:3000\s*\n\s*labels:\s*\n\s*role: scheduler\s*\n\s*- targets:\s*\n\s*- worker-1:3000\s*\n\s*labels:\s*\n\s*role: worker\n/);
      // A worker-only replica never ticks: the alert about ticks leaves it out.
      expect(alertExpressions().find(({ where }) => where === 'alert SchedulerNotTicking')?.expr).toContain('role!="worker"');
      expect(config).toMatch(/authorization:\s*\n\s*type: Bearer\s*\n\s*credentials_file: \/prometheus\/metrics-token/);
      expect(config).toMatch(/rule_files:\s*\n\s*- alerts\.yml/);
      expect(alertExpressions().length).toBeGreaterThanOrEqual(5);
    });
  });

  describe('Grafana', () => {
    it('provisions the Prometheus datasource that every panel of a valid dashboard uses', () => {
      const dashboard = readDashboard();
      const uid = /^\s*uid:\s*(\S+)\s*$/m.exec(read(DEPLOY_FILES.grafanaDatasource))?.[1];
      expect(uid).toBe('prometheus');
      expect(read(DEPLOY_FILES.grafanaDatasource)).toMatch(/url: http:\/\/prometheus:9090/);
      expect(read(DEPLOY_FILES.grafanaDashboards)).toMatch(/path: \/etc\/grafana\/dashboards/);
      expect(read(DEPLOY_FILES.compose)).toContain('./deploy/grafana/dashboards:/etc/grafana/dashboards:ro');
      expect(dashboard.uid).toBe('job-scheduler');
      const ids = dashboard.panels.map((panel) => panel.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const panel of dashboard.panels) expect(panel.datasource?.uid).toBe(uid);
      const titles = dashboard.panels.map((panel) => panel.title);
      for (const title of [
        'HTTP requests by status',
        'HTTP latency (probes and scrapes excluded)',
        'Run outcomes',
        'Scheduling lag',
        'Due backlog',
        'Runs in flight by instance',
        'Broker messages',
        'Broker queue depth',
      ]) {
        expect(titles).toContain(title);
      }
    });

    describe('the metrics the dashboard and the alerts use', () => {
      let database: TestDatabase;
      let service: ServiceProcess;
      let exported: Set<string>;
      const queue = uniqueQueueName('deploy-config');

      beforeAll(async () => {
        database = await createTestDatabase();
        // In broker mode, as in docker-compose.yml, scheduling and executing: the broker_* metrics too.
        service = await ServiceProcess.start(
          { DATABASE_URL: database.url, SCHEDULER_TICK: '* * * * * *', EXECUTION_MODE: 'broker', AMQP_URL: LOCAL_AMQP_URL, AMQP_QUEUE: queue },
          'deploy-config',
        );
        // scheduler_job_runs_total, the histograms by type and broker_messages_total appear once a run has ended.
        const created = await fetch(`${service.url}/jobs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'metrics probe', schedule: '* * * * * *' }),
        });
        expect(created.status).toBe(201);
        const { id } = (await created.json()) as { id: number };
        await waitFor(
          async () => {
            const page = (await (await fetch(`${service.url}/jobs/${id}/runs?status=succeeded`)).json()) as { total: number };
            return page.total > 0;
          },
          15_000,
          'a succeeded run',
        );
        exported = exposedMetricNames(await (await fetch(`${service.url}/metrics`)).text());
      }, 60_000);

      afterAll(async () => {
        await service?.stop();
        await database?.drop();
        await deleteBrokerQueues(queue);
      });

      it('are all exported by the service, Nginx exporter or Prometheus itself', () => {
        const expressions = [...dashboardExpressions(readDashboard()), ...alertExpressions()];
        expect(expressions.length).toBeGreaterThan(20);
        const missing = expressions.flatMap(({ where, expr }) =>
          metricNamesIn(expr)
            .filter((name) => !exported.has(name) && !SCRAPE_SERIES.has(name) && !NGINX_EXPORTER_SERIES.has(name))
            .map((name) => `${where}: ${name}`),
        );
        expect(missing).toEqual([]);
      });

      it('cover requests, run outcomes, lag, backlog, in-flight runs and the broker', () => {
        const used = new Set(dashboardExpressions(readDashboard()).flatMap(({ expr }) => metricNamesIn(expr)));
        for (const name of [
          'http_requests_total',
          'http_request_duration_seconds_bucket',
          'scheduler_job_runs_total',
          'scheduler_lag_seconds_bucket',
          'scheduler_due_jobs',
          'scheduler_runs_in_flight',
          'broker_messages_total',
          'broker_queue_messages',
          'nginx_http_requests_total',
        ]) {
          expect(used).toContain(name);
          if (!name.startsWith('nginx_')) expect(exported).toContain(name);
        }
      });
    });
  });

  it('reads metric names out of PromQL', () => {
    expect(metricNamesIn('histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{instance=~"$instance",route!~"/health.*"}[$__rate_interval])))')).toEqual([
      'http_request_duration_seconds_bucket',
    ]);
    expect(metricNamesIn('sum(rate(a_total[5m])) / sum(rate(b_total[5m])) > 1e3 and on (instance) up == 0')).toEqual(['a_total', 'b_total', 'up']);
    expect(metricNamesIn('label_values(up{job="scheduler"}, instance)')).toEqual(['up']);
  });
});
