import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

/** The deployment files, as docker-compose.yml mounts them. */
const ROOT = resolve(__dirname, '../..');
export const DEPLOY_FILES = {
  root: ROOT,
  compose: join(ROOT, 'docker-compose.yml'),
  dockerfile: join(ROOT, 'Dockerfile'),
  dockerignore: join(ROOT, '.dockerignore'),
  nginx: join(ROOT, 'deploy/nginx/nginx.conf'),
  prometheus: join(ROOT, 'deploy/prometheus/prometheus.yml'),
  alerts: join(ROOT, 'deploy/prometheus/alerts.yml'),
  grafanaDatasource: join(ROOT, 'deploy/grafana/provisioning/datasources/prometheus.yml'),
  grafanaDashboards: join(ROOT, 'deploy/grafana/provisioning/dashboards/scheduler.yml'),
  dashboard: join(ROOT, 'deploy/grafana/dashboards/scheduler.json'),
};

/** A program on PATH, or in the sbin folders that a non-root PATH leaves out (Debian's nginx is in /usr/sbin). */
export function findExecutable(...names: string[]): string | undefined {
  const folders = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'].filter(Boolean);
  for (const name of names) {
    for (const folder of folders) {
      const candidate = join(folder, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/**
 * Replaces every line that matches `pattern` by the lines `render` returns for the first of them, at
 * the first one's place and indentation. Throws when no line matches: a loopback copy that silently
 * kept a production host name would test nothing.
 */
function replaceLines(text: string, pattern: RegExp, render: (match: RegExpExecArray) => string[], what: string): string {
  const lines = text.split('\n');
  const first = lines.findIndex((line) => pattern.test(line));
  if (first < 0) throw new Error(`no line of the configuration matches ${pattern} (${what}); update the loopback adaptation`);
  const match = pattern.exec(lines[first]) as RegExpExecArray;
  const indent = /^\s*/.exec(lines[first])?.[0] ?? '';
  const replacement = render(match).map((line) => indent + line);
  const kept = lines.filter((line, index) => index === first || !pattern.test(line));
  kept.splice(first, 1, ...replacement);
  return kept.join('\n');
}

export interface NginxLoopback {
  /** Folder for the logs, the pid file and Nginx's temporary files. */
  directory: string;
  port: number;
  statusPort: number;
  /** host:port of each instance, in place of the compose replicas. */
  upstreams: string[];
}

/** deploy/nginx/nginx.conf with loopback addresses and paths under `directory`; everything else as is. */
export function adaptNginxConfig(source: string, options: NginxLoopback): string {
  const { directory } = options;
  let config = replaceLines(
    source,
    /^\s*server\s+scheduler-\d+:\d+((?:\s+[^;]*)?);/,
    ([, parameters]) => options.upstreams.map((address) => `server ${address}${parameters};`),
    'upstream servers',
  );
  config = replaceLines(config, /^\s*listen\s+80;/, () => [`listen 127.0.0.1:${options.port};`], 'public listen');
  config = replaceLines(config, /^\s*listen\s+8080;/, () => [`listen 127.0.0.1:${options.statusPort};`], 'stub_status listen');
  config = replaceLines(config, /^\s*error_log\s+\S+(.*);/, ([, level]) => [`error_log ${directory}/error.log${level};`], 'error_log');
  config = replaceLines(config, /^\s*access_log\s+\/\S+(.*);/, ([, format]) => [`access_log ${directory}/access.log${format};`], 'access_log');
  config = replaceLines(config, /^\s*pid\s+\S+;/, () => [`pid ${directory}/nginx.pid;`], 'pid');
  // Nginx's compiled-in temporary folders belong to the system's Nginx; this one gets its own.
  const temporary = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
    (kind) => `${kind}_temp_path ${directory}/${kind}_temp;`,
  );
  return replaceLines(config, /^\s*http\s*\{\s*$/, () => ['http {', ...temporary.map((line) => `    ${line}`)], 'http block');
}

export interface PrometheusLoopback {
  schedulerTargets: string[];
  /** The worker-only instances, in place of worker-1 (role="worker"). */
  workerTargets: string[];
  nginxExporterTarget: string;
  selfTarget: string;
  tokenFile: string;
  intervalSeconds: number;
}

/** deploy/prometheus/prometheus.yml with loopback targets, a token file and short intervals. */
export function adaptPrometheusConfig(source: string, options: PrometheusLoopback): string {
  let config = replaceLines(
    source,
    /^\s*-\s+scheduler-\d+:\d+\s*$/,
    () => options.schedulerTargets.map((target) => `- ${target}`),
    'scheduler targets',
  );
  config = replaceLines(config, /^\s*-\s+worker-\d+:\d+\s*$/, () => options.workerTargets.map((target) => `- ${target}`), 'worker targets');
  config = replaceLines(config, /^\s*-\s+nginx-exporter:\d+\s*$/, () => [`- ${options.nginxExporterTarget}`], 'nginx exporter target');
  config = replaceLines(config, /^\s*-\s+localhost:9090\s*$/, () => [`- ${options.selfTarget}`], 'Prometheus target');
  config = replaceLines(config, /^\s*credentials_file:\s*\S+\s*$/, () => [`credentials_file: ${options.tokenFile}`], 'token file');
  config = replaceLines(config, /^\s*scrape_interval:\s*\S+\s*$/, () => [`scrape_interval: ${options.intervalSeconds}s`], 'scrape interval');
  config = replaceLines(config, /^\s*evaluation_interval:\s*\S+\s*$/, () => [`evaluation_interval: ${options.intervalSeconds}s`], 'evaluation interval');
  // Rule files are relative to the configuration file, which the copy does not sit beside.
  return replaceLines(config, /^\s*-\s+(alerts\.yml)\s*$/, ([, file]) => [`- ${join(DEPLOY_FILES.prometheus, '..', file)}`], 'rule file');
}

/** Keywords that read like metric names in PromQL. */
const PROMQL_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool', 'and', 'or', 'unless', 'inf', 'nan']);

/** The metric names a PromQL expression selects (not functions, labels, keywords or Grafana variables). */
export function metricNamesIn(expression: string): string[] {
  const labelValues = /^\s*label_values\((.*),\s*\w+\s*\)\s*$/.exec(expression);
  if (labelValues) return metricNamesIn(labelValues[1]);
  const stripped = expression
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const index = match.index;
    const previous = stripped[index - 1] ?? ' ';
    if (/[0-9.$]/.test(previous)) continue; // 1e3, $variable
    if (stripped.slice(index + match[0].length).trimStart().startsWith('(')) continue; // function or aggregation
    if (PROMQL_KEYWORDS.has(match[0].toLowerCase())) continue;
    names.add(match[0]);
  }
  return [...names];
}

interface DashboardPanel {
  title?: string;
  targets?: { expr?: string }[];
  panels?: DashboardPanel[];
}

export interface Dashboard {
  uid: string;
  panels: (DashboardPanel & { id: number; datasource?: { uid?: string } })[];
  templating?: { list: { query?: string | { query?: string } }[] };
}

export function readDashboard(): Dashboard {
  return JSON.parse(readFileSync(DEPLOY_FILES.dashboard, 'utf8')) as Dashboard;
}

/** Every PromQL expression of the dashboard (panels, rows' panels, template variables), by where it is. */
export function dashboardExpressions(dashboard: Dashboard): { where: string; expr: string }[] {
  const found: { where: string; expr: string }[] = [];
  const visit = (panels: DashboardPanel[] = []) => {
    for (const panel of panels) {
      for (const target of panel.targets ?? []) if (target.expr) found.push({ where: `panel "${panel.title}"`, expr: target.expr });
      visit(panel.panels);
    }
  };
  visit(dashboard.panels);
  for (const variable of dashboard.templating?.list ?? []) {
    const query = typeof variable.query === 'string' ? variable.query : variable.query?.query;
    if (query) found.push({ where: 'template variable', expr: query });
  }
  return found;
}

/** The `expr` of every rule in deploy/prometheus/alerts.yml (one line each there). */
export function alertExpressions(): { where: string; expr: string }[] {
  const text = readFileSync(DEPLOY_FILES.alerts, 'utf8');
  return [...text.matchAll(/^\s*-?\s*alert:\s*(\S+)\s*\n\s*expr:\s*(.+)$/gm)].map(([, name, expr]) => ({ where: `alert ${name}`, expr }));
}

/** Series names in a Prometheus text exposition (histograms as their _bucket, _sum and _count). */
export function exposedMetricNames(exposition: string): Set<string> {
  return new Set(
    exposition
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0])
      .filter((name): name is string => Boolean(name)),
  );
}

/** Series Prometheus itself writes for every target, which no exporter exposes. */
export const SCRAPE_SERIES = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added']);

/** What nginx-prometheus-exporter exposes for open-source Nginx (stub_status), besides its own build info. */
export const NGINX_EXPORTER_SERIES = new Set([
  'nginx_up',
  'nginx_connections_accepted',
  'nginx_connections_active',
  'nginx_connections_handled',
  'nginx_connections_reading',
  'nginx_connections_waiting',
  'nginx_connections_writing',
  'nginx_http_requests_total',
]);
