import { ConfigService } from '@nestjs/config';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import pino, { type DestinationStream, type Level } from 'pino';
import pretty from 'pino-pretty';
import type { Environment } from '../config/environment';
import { isSecretName, REDACTED, redactSecrets } from '../security/redact-secrets';

const LEVELS: Record<Environment['LOG_LEVEL'], Level> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/** A request's or response's headers with the values of secret-named ones (authorization, cookie, x-api-key…) redacted. */
function withSecretHeadersRedacted<T extends { headers?: Record<string, unknown> }>(message: T): T {
  if (!message.headers) return message;
  const headers = Object.fromEntries(Object.entries(message.headers).map(([name, value]) => [name, isSecretName(name) ? REDACTED : value]));
  return { ...message, headers };
}

/**
 * Secrets never reach a log line, by the one rule set of security/redact-secrets.ts: the params and
 * changes of jobs (as the "job created" and "job updated" lines carry them) wholly, and the
 * secret-named headers of requests and responses.
 */
const SERIALIZERS = {
  params: redactSecrets,
  changes: redactSecrets,
  req: withSecretHeadersRedacted,
  res: withSecretHeadersRedacted,
};

function destination(environment: Environment): DestinationStream {
  const console = environment.NODE_ENV === 'development' ? pretty({ colorize: true, sync: true }) : pino.destination(1);
  if (!environment.LOG_FILE) return console;
  const file = pino.destination({ dest: environment.LOG_FILE, mkdir: true, sync: true });
  return pino.multistream([{ stream: console }, { stream: file }]);
}

/**
 * Structured JSON logs (pretty in development): one line per request with its request id (Fastify's,
 * taken from X-Request-Id when the client sends one), which also tags every line logged while the
 * request is handled.
 */
export const LoggingModule = LoggerModule.forRootAsync({
  inject: [ConfigService],
  useFactory: (config: ConfigService<Environment, true>) => {
    const environment = {
      NODE_ENV: config.get('NODE_ENV', { infer: true }),
      LOG_LEVEL: config.get('LOG_LEVEL', { infer: true }),
      LOG_FILE: config.get('LOG_FILE', { infer: true }),
    } as Environment;
    return {
      // nestjs-pino's default route pattern matches nothing under Nest 12's Fastify adapter; '*' does.
      forRoutes: ['*'],
      pinoHttp: [
        {
          level: LEVELS[environment.LOG_LEVEL],
          serializers: SERIALIZERS,
          autoLogging: { ignore: (request: IncomingMessage) => /^\/(health|metrics)/.test(request.url ?? '') },
          customLogLevel: (_request, response, error) =>
            error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
        },
        destination(environment),
      ],
    };
  },
});
