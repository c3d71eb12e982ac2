import { Global, Module } from '@nestjs/common';
import { JobCache } from './job-cache';

@Global()
@Module({ providers: [JobCache], exports: [JobCache] })
export class CacheModule {}
