import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { isDatabaseUnavailable } from '../database/prisma-errors';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  [extra: string]: unknown;
}

/**
 * The one place errors become responses. Nest's HttpExceptions and Fastify's own 4xx errors
 * (malformed JSON, body too large) keep their status; anything else is a 500 that carries only a
 * reference id, while the full error is logged.
 */
@Catch()
export class GlobalExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof HttpException && isHealthReport(exception)) {
      void reply.status(exception.getStatus()).send(exception.getResponse());
      return;
    }
    const body = this.toBody(exception);
    void reply.status(body.statusCode).send(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof HttpException) return fromHttpException(exception);
    const clientError = asClientError(exception);
    if (clientError) return clientError;
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn(`database unavailable: ${exception instanceof Error ? exception.message : String(exception)}`);
      return { statusCode: 503, error: 'Service Unavailable', message: 'the database is unavailable or busy; retry shortly' };
    }
    const reference = randomUUID();
    this.logger.error(`unhandled error, reference ${reference}`, exception instanceof Error ? exception.stack : String(exception));
    return { statusCode: 500, error: 'Internal Server Error', message: `Internal error; reference ${reference}` };
  }
}

/** Terminus's 503 report names the failing checks; it goes out as it is. */
function isHealthReport(exception: HttpException): boolean {
  const response = exception.getResponse();
  return typeof response === 'object' && (response as { status?: unknown }).status === 'error' && 'details' in response;
}

function fromHttpException(exception: HttpException): ErrorBody {
  const statusCode = exception.getStatus();
  const response = exception.getResponse();
  const error = STATUS_CODES[statusCode] ?? 'Error';
  if (typeof response === 'string') return { statusCode, error, message: response };
  const { message, ...rest } = response as { message?: unknown };
  const text = Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : exception.message;
  return { ...rest, statusCode, error, message: text };
}

/** Fastify reports body-parsing failures as errors carrying a 4xx `statusCode`. */
function asClientError(exception: unknown): ErrorBody | undefined {
  if (!(exception instanceof Error)) return undefined;
  const statusCode = (exception as { statusCode?: unknown }).statusCode;
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return undefined;
  const message =
    statusCode === HttpStatus.PAYLOAD_TOO_LARGE ? 'request body is larger than the limit of this service' : exception.message;
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
}
