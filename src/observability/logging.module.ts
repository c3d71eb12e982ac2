import { ConfigService } from '@nestjs/config';
import type { IncomingMessage, ServerResponse } from 'node:http';
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


function destination(environment: Environment): DestinationStream {
  // singleLine: a line's fields on the line itself, not one per line below it (a request was 25 lines).
  const console = environment.NODE_ENV === 'development' ? pretty({ colorize: true, sync: true, singleLine: true }) : pino.destination(1);
  if (!environment.LOG_FILE) return console;
  const file = pino.destination({ dest: environment.LOG_FILE, mkdir: true, sync: true });
  return pino.multistream([{ stream: console }, { stream: file }]);
}

/** Under Fastify the middleware sees the URL below its mount point ("/"); the full one is originalUrl. */
const requestUrl = (request: IncomingMessage) => (request as IncomingMessage & { originalUrl?: string }).originalUrl ?? request.url ?? '';

/** "GET /jobs?limit=20 200": what a person scanning the log looks for, in the message itself. */
const requestLine = (request: IncomingMessage, response: ServerResponse) => `${request.method} ${requestUrl(request)} ${response.statusCode}`;

/**
 * Secrets never reach a log line, by the one rule set of security/redact-secrets.ts: the params and
 * changes of jobs (as the "job created" and "job updated" lines carry them) wholly. A request's line
 * carries its id, method, URL and status as fields, for log queries; its headers (secret-named ones
 * redacted), query, remote address and the response's headers only at debug and verbose.
 */
function serializers(level: Level) {
  const detailed = level === 'debug' || level === 'trace';
  return {
    params: redactSecrets,
    changes: redactSecrets,
    req: detailed ? withSecretHeadersRedacted : ({ id, method, url }: { id: unknown; method: string; url: string }) => ({ id, method, url }),
    res: detailed ? withSecretHeadersRedacted : ({ statusCode }: { statusCode: number }) => ({ statusCode }),
  };
}

/**
 * Structured JSON logs (pretty in development), one line per request: its method, URL, status and
 * time, and its request id (Fastify's, taken from X-Request-Id when the client sends one), which also
 * tags every line logged while the request is handled. Health probes and metric scrapes are not logged.
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
          serializers: serializers(LEVELS[environment.LOG_LEVEL]),
          autoLogging: { ignore: (request: IncomingMessage) => /^\/(health|metrics)/.test(requestUrl(request)) },
          customLogLevel: (_request, response, error) =>
            error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
          customSuccessMessage: (request, response, responseTime) => `${requestLine(request, response)} ${responseTime} ms`,
          customErrorMessage: (request, response, error) => `${requestLine(request, response)}: ${error.message}`,
        },
        destination(environment),
      ],
    };
  },
});
