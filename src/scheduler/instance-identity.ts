import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { hostname } from 'node:os';
import type { Environment } from '../config/environment';

/** Who this instance is, as recorded on the runs it executes. */
@Injectable()
export class InstanceIdentity {
  readonly id: string;

  constructor(config: ConfigService<Environment, true>) {
    this.id = config.get('INSTANCE_ID', { infer: true }) ?? `${hostname()}-${process.pid}`;
  }
}
