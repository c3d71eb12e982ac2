import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import type { Environment } from './config/environment';
import { createApp } from './http/create-app';
import { describeListening } from './listening-address';

const logger = new Logger('Bootstrap');

/**
 * SIGTERM or SIGINT closes the application (the scheduler finishes or hands back its runs, pools
 * close, an embedded database stops) and exits 0; a second signal exits at once.
 */
function exitGracefullyOnSignals(app: NestFastifyApplication): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      logger.warn(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    closing = true;
    logger.log(`${signal}: shutting down`);
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(`shutdown failed: ${error instanceof Error ? error.stack : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

async function bootstrap(): Promise<void> {
  const app = await createApp(AppModule);
  exitGracefullyOnSignals(app);
  const config = app.get(ConfigService<Environment, true>);
  await app.listen(config.get('PORT', { infer: true }), config.get('HOST', { infer: true }));
  logger.log(describeListening(app.getHttpServer().address()));
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
