import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DatabaseTarget, openDatabaseTarget } from './database-target';
import { PrismaService } from './prisma.service';

@Global()
@Module({
  providers: [
    { provide: DatabaseTarget, useFactory: openDatabaseTarget, inject: [ConfigService] },
    PrismaService,
  ],
  exports: [DatabaseTarget, PrismaService],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DatabaseTarget) private readonly target: DatabaseTarget) {}

  /** Runs after every module's `onModuleDestroy`, so the pools are closed before the server stops. */
  async onApplicationShutdown(): Promise<void> {
    await this.target.release();
  }
}
