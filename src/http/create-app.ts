import { Logger, type LogLevel, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { validateEnvironment } from '../config/environment';
import { createValidationPipe } from '../validation/validation.pipe';
import { GlobalExceptionFilter } from './global-exception.filter';
import { setUpSwagger } from './swagger';

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** The application with everything main.ts and the tests share: adapter, pipes, filter, Swagger. */
export async function createApp(appModule: Type<unknown>): Promise<NestFastifyApplication> {
  const environment = validateEnvironment(process.env);
  const adapter = new FastifyAdapter({ bodyLimit: environment.BODY_LIMIT_BYTES });
  const app = await NestFactory.create<NestFastifyApplication>(appModule, adapter, {
    logger: LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(environment.LOG_LEVEL) + 1),
    abortOnError: false,
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new GlobalExceptionFilter());
  setUpSwagger(app);
  Logger.flush();
  return app;
}
