import { plainToInstance, Transform } from 'class-transformer';
import { type FieldProblem, toFieldProblems } from '../validation/field-problems';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min, validateSync } from 'class-validator';
import { IsCronExpression } from '../validation/schedule.validators';
import { allowListProblems } from '../outbound/outbound-policy';
import { alertCapabilities, parseJson } from '../alerts/alert-capabilities';
import { parseNotify } from '../alerts/notify';
import { parseApiKeys } from '../security/api-keys';
import { redactSecrets } from '../security/redact-secrets';

/** Implicit conversion would turn the string "false" into true, so booleans read the raw value. */
const toBoolean = ({ obj, key }: { obj: Record<string, unknown>; key: string }) => {
  const raw = obj[key];
  if (raw === true || raw === 'true' || raw === '1') return true;
  if (raw === false || raw === 'false' || raw === '0') return false;
  return raw;
};

export const EXECUTION_MODES = ['inline', 'broker'] as const;

/** Every environment variable the service reads, with its default. README.md lists them for operators. */
export class Environment {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  @IsString()
  HOST: string = '0.0.0.0';

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgresql:// connection URL' })
  DATABASE_URL?: string;

  /**
   * A direct connection to the same database for the scheduler's LISTEN, when DATABASE_URL goes
   * through PgBouncer in transaction mode (which cannot hold a LISTEN); unset: DATABASE_URL.
   */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgresql:// connection URL' })
  DATABASE_LISTEN_URL?: string;

  @IsString()
  EMBEDDED_DATABASE_DIR: string = '.data/postgres';

  @IsBoolean()
  @Transform(toBoolean)
  MIGRATE_ON_START: boolean = true;

  @IsInt()
  @Min(1)
  @Max(500)
  DATABASE_POOL_SIZE: number = 10;

  @IsIn(['fatal', 'error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  @IsInt()
  @Min(1024)
  BODY_LIMIT_BYTES: number = 1_048_576;

  @IsBoolean()
  @Transform(toBoolean)
  SHELL_JOBS_ENABLED: boolean = false;

  /** The PATH of shell jobs' commands (the service's own environment is never passed on to them). */
  @IsString()
  SHELL_JOBS_PATH: string = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

  /** A shell job's process group is sent SIGKILL this long after SIGTERM (on a timeout, a shutdown, or its end). */
  @IsInt()
  @Min(0)
  SHELL_JOB_KILL_GRACE_MS: number = 5_000;

  /** Internal addresses http jobs may call after all: host names, IP addresses and CIDR ranges, comma-separated. */
  @IsOptional()
  @IsString()
  HTTP_JOBS_ALLOW?: string;

  /** An http job reads at most this much of a response body, then stops and closes the connection. */
  @IsInt()
  @Min(1024)
  HTTP_JOB_MAX_RESPONSE_BYTES: number = 1_048_576;

  /** false: an API-only instance that never claims or executes runs. */
  @IsBoolean()
  @Transform(toBoolean)
  SCHEDULER_ENABLED: boolean = true;

  /** The safety tick (6 fields: seconds first): rescue, and claim what a lost notice left behind. Jobs run at their time regardless. */
  @IsString()
  @IsCronExpression({ hash: false })
  SCHEDULER_TICK: string = '0 * * * * *';

  @IsInt()
  @Min(1)
  @Max(10_000)
  SCHEDULER_BATCH_SIZE: number = 100;

  /**
   * Runs one instance executes at once. At 10, an instance could not start more than about 900
   * runs a second however short they were (bench/results/lag.md); above the batch size, the next
   * claim overlaps the runs in flight.
   */
  @IsInt()
  @Min(1)
  @Max(10_000)
  SCHEDULER_CONCURRENCY: number = 100;

  /** Connections the scheduler keeps for itself, apart from the API's pool. */
  @IsInt()
  @Min(1)
  @Max(100)
  SCHEDULER_POOL_SIZE: number = 4;

  /** A run whose instance stops renewing its lease for this long is taken as abandoned. */
  @IsInt()
  @Min(1000)
  RUN_LEASE_MS: number = 30_000;

  /** An occurrence later than this is a misfire and follows the job's misfirePolicy. */
  @IsInt()
  @Min(0)
  MISFIRE_THRESHOLD_MS: number = 60_000;

  /** On SIGTERM, how long in-flight runs may take to finish before they are handed back. */
  @IsInt()
  @Min(0)
  SHUTDOWN_GRACE_MS: number = 25_000;

  /** Recorded on the runs this instance executes; host name and pid when unset. */
  @IsOptional()
  @IsString()
  @Length(1, 200)
  INSTANCE_ID?: string;

  /** Finished runs older than this are deleted, except the latest run of each job. */
  @IsInt()
  @Min(1)
  RUN_RETENTION_DAYS: number = 30;

  @IsInt()
  @Min(1000)
  PRUNE_INTERVAL_MS: number = 600_000;

  /** Audit entries older than this are deleted; RUN_RETENTION_DAYS when unset, so changes are kept as long as runs. */
  @IsOptional()
  @IsInt()
  @Min(1)
  AUDIT_RETENTION_DAYS?: number;

  /** Also write the logs, as JSON lines, to this file (an audit trail). */
  @IsOptional()
  @IsString()
  LOG_FILE?: string;

  /** Comma-separated bearer tokens (or `sha256:<hex>` digests of them), each an admin's. */
  @IsOptional()
  @IsString()
  API_TOKENS?: string;

  /** Named tokens with a role: `name:role:token`, comma-separated; a token may be `sha256:<hex>`. */
  @IsOptional()
  @IsString()
  API_KEYS?: string;

  /** An OpenID Connect issuer whose JWTs are accepted as bearer tokens, verified against its JWKS. */
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'must be an http:// or https:// URL' })
  OIDC_ISSUER?: string;

  /** The `aud` a JWT must carry; required with OIDC_ISSUER. */
  @IsOptional()
  @IsString()
  OIDC_AUDIENCE?: string;

  /** The claim (a dotted path for nested ones) holding the role, or a list of claims' values with one. */
  @IsString()
  @Matches(/^[\w:-]+(\.[\w:-]+)*$/, { message: 'must be a claim name or a dotted path such as realm_access.roles' })
  OIDC_ROLE_CLAIM: string = 'roles';

  /** The issuer's JWKS; read from its /.well-known/openid-configuration when unset. */
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'must be an http:// or https:// URL' })
  OIDC_JWKS_URL?: string;

  /** When set, GET /metrics needs this bearer token (and no other). */
  @IsOptional()
  @IsString()
  METRICS_TOKEN?: string;

  /** Requests per client and THROTTLE_TTL_MS window; 0 turns rate limiting off. */
  @IsInt()
  @Min(0)
  THROTTLE_LIMIT: number = 1000;

  @IsInt()
  @Min(1000)
  THROTTLE_TTL_MS: number = 60_000;

  /** Redis for the shared rate-limit counters and the job cache; neither is used without it. */
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /** How long GET /jobs and GET /jobs/:id answers may be served from Redis. */
  @IsInt()
  @Min(100)
  CACHE_TTL_MS: number = 5_000;

  /** Keys this service writes in Redis start with this; instances sharing a cache share the prefix. */
  @IsString()
  REDIS_KEY_PREFIX: string = 'scheduler:';

  /** Comma-separated origins allowed by CORS; CORS is off when unset. */
  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  /** A client that has not sent its whole request after this long gets 408 and its connection is closed. */
  @IsInt()
  @Min(1000)
  REQUEST_TIMEOUT_MS: number = 30_000;

  /** An API request waits at most this long for a database connection, then gets a 503. */
  @IsInt()
  @Min(100)
  DATABASE_POOL_TIMEOUT_MS: number = 5_000;

  /** Trust X-Forwarded-For from a proxy in front (Nginx), so rate limits apply per real client. */
  @IsBoolean()
  @Transform(toBoolean)
  TRUST_PROXY: boolean = false;

  /** inline: the instance that claims a run executes it. broker: runs go to workers through RabbitMQ. */
  @IsIn(EXECUTION_MODES)
  EXECUTION_MODE: (typeof EXECUTION_MODES)[number] = 'inline';

  /** Broker mode: consume and execute runs from the queue. Defaults to true. */
  @IsBoolean()
  @Transform(toBoolean)
  WORKER_ENABLED: boolean = true;

  @Matches(/^amqps?:\/\/\S+$/, { message: 'must be an amqp:// or amqps:// URL' })
  AMQP_URL: string = 'amqp://guest:guest@127.0.0.1:5672';

  @IsString()
  @Length(1, 200)
  AMQP_QUEUE: string = 'scheduler.runs';

  /** Broker mode: a run queued for longer than this without a worker taking it is published again. */
  @IsInt()
  @Min(1000)
  QUEUED_REPUBLISH_MS: number = 30_000;

  /**
   * The notify of every job that has none of its own, as JSON: { "targets": [{ "url": … } | { "email": … }],
   * "events": […], "afterConsecutiveFailures": N }. Unset: jobs without notify send no alerts.
   */
  @IsOptional()
  @IsString()
  ALERTS_DEFAULT_NOTIFY?: string;

  /** The HMAC-SHA256 key of the X-Signature of webhook alerts; webhook targets need it. */
  @IsOptional()
  @IsString()
  @Length(16, 1000)
  ALERT_SIGNING_SECRET?: string;

  /** An SMTP server for e-mail alerts: smtp://user:password@host:587 or smtps://…; e-mail targets need it. */
  @IsOptional()
  @Matches(/^smtps?:\/\/\S+$/, { message: 'must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  /** The From of e-mail alerts. */
  @IsString()
  @Length(3, 320)
  ALERT_EMAIL_FROM: string = 'job-scheduler@localhost';

  /** Where the dashboard is reached, for the link in each alert; http://localhost:PORT when unset. */
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'must be an http:// or https:// URL' })
  DASHBOARD_URL?: string;

  /** Attempts to deliver one alert to one target before it is recorded as undeliverable. */
  @IsInt()
  @Min(1)
  @Max(50)
  ALERT_MAX_ATTEMPTS: number = 6;

  /** Delay before an alert's second attempt, doubled for each further one. */
  @IsInt()
  @Min(10)
  ALERT_RETRY_BACKOFF_MS: number = 10_000;

  /** One delivery attempt (connect, send, answer) may take this long. */
  @IsInt()
  @Min(100)
  ALERT_TIMEOUT_MS: number = 10_000;

  /** How often, at the latest, a scheduling instance looks for alerts to deliver (a notification wakes it sooner). */
  @IsInt()
  @Min(50)
  ALERT_POLL_MS: number = 60_000;
}

/** Rules across variables, checked after each variable is valid on its own. */
function crossFieldProblems(environment: Environment): FieldProblem[] {
  const allowList = allowListProblems(environment.HTTP_JOBS_ALLOW);
  const { keys, problems } = parseApiKeys(environment.API_TOKENS, environment.API_KEYS);
  if (allowList.length > 0) problems.push({ field: 'HTTP_JOBS_ALLOW', message: allowList.join('; ') });
  if (environment.DATABASE_LISTEN_URL && !environment.DATABASE_URL) {
    problems.push({ field: 'DATABASE_LISTEN_URL', message: 'must be set with DATABASE_URL: the embedded PostgreSQL is reached directly' });
  }
  if (allowList.length === 0) problems.push(...defaultNotifyProblems(environment));
  if (environment.OIDC_ISSUER && !environment.OIDC_AUDIENCE) {
    problems.push({ field: 'OIDC_AUDIENCE', message: 'must be set with OIDC_ISSUER: a JWT is accepted only when its aud names this service' });
  }
  if (environment.NODE_ENV === 'production' && problems.length === 0 && keys.length === 0 && !environment.OIDC_ISSUER) {
    problems.push({
      field: 'API_TOKENS',
      message: 'must hold a token when NODE_ENV=production (or API_KEYS or OIDC_ISSUER be set): refusing to serve an open API in production',
    });
  }
  return problems;
}

function defaultNotifyProblems(environment: Environment): FieldProblem[] {
  if (environment.ALERTS_DEFAULT_NOTIFY === undefined) return [];
  const field = 'ALERTS_DEFAULT_NOTIFY';
  const json = parseJson(environment.ALERTS_DEFAULT_NOTIFY);
  if (json === undefined) return [{ field, message: 'must be a JSON object' }];
  const { problems } = parseNotify(json, alertCapabilities(environment), field);
  return problems.length > 0 ? [{ field, message: problems.map((problem) => `${problem.field.slice(field.length + 1)} ${problem.message}`).join('; ') }] : [];
}

/**
 * Reads and validates the environment once, at start-up. A bad value stops the process with a
 * message that names each offending variable.
 */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const defined = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined && value !== ''));
  const environment = plainToInstance(Environment, defined, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(environment, { skipMissingProperties: false });
  const found = errors.length > 0 ? toFieldProblems(errors) : crossFieldProblems(environment);
  if (found.length > 0) {
    // Values are shown redacted: API_TOKENS or a DATABASE_URL's password must not reach a log.
    const shown = redactSecrets(defined);
    const problems = found.map(({ field, message }) => `${field}=${JSON.stringify(shown[field])}: ${message}`);
    throw new Error(`Invalid environment configuration:\n  ${problems.join('\n  ')}`);
  }
  return environment;
}
