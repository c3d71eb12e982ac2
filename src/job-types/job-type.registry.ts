import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { instanceToPlain } from 'class-transformer';
import { JOB_TYPE_METADATA, type JobTypeDeclaration } from './job-type.decorator';
import type { JobStrategy } from './job-strategy';
import { type FieldProblem, validateObject } from '../validation/field-problems';

export type ParamsCheck = { ok: true; params: Record<string, unknown> } | { ok: false; problems: FieldProblem[] };

/** Maps a job's `type` to its strategy: every provider marked with `@JobType(name)`. */
@Injectable()
export class JobTypeRegistry implements OnModuleInit {
  private readonly strategies = new Map<string, JobStrategy>();
  private readonly paramsClasses = new Map<string, new () => object>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      if (!wrapper.metatype || !wrapper.instance) continue;
      const declaration = this.reflector.get<JobTypeDeclaration | undefined>(JOB_TYPE_METADATA, wrapper.metatype);
      if (!declaration) continue;
      this.strategies.set(declaration.name, wrapper.instance as JobStrategy);
      this.paramsClasses.set(declaration.name, declaration.paramsClass);
    }
  }

  types(): string[] {
    return [...this.strategies.keys()].sort();
  }

  /** Every type, with why this service refuses new jobs of it (null when it accepts them). */
  availability(): { type: string; available: boolean; unavailableReason: string | null }[] {
    return this.types().map((type) => {
      const reason = this.get(type).availabilityProblem?.() ?? null;
      return { type, available: reason === null, unavailableReason: reason };
    });
  }

  get(type: string): JobStrategy {
    const strategy = this.strategies.get(type);
    if (!strategy) throw new Error(`no strategy registered for job type "${type}"`);
    return strategy;
  }

  /** Checks `type` and `params` together, returning the params with their defaults filled in. */
  checkParams(type: string, params: unknown): ParamsCheck {
    const strategy = this.strategies.get(type);
    if (!strategy) {
      return { ok: false, problems: [{ field: 'type', message: `"${type}" is not a job type; use one of: ${this.types().join(', ')}` }] };
    }
    const unavailable = strategy.availabilityProblem?.();
    if (unavailable) return { ok: false, problems: [{ field: 'type', message: unavailable }] };
    if (typeof params !== 'object' || params === null || Array.isArray(params)) {
      return { ok: false, problems: [{ field: 'params', message: 'must be a JSON object' }] };
    }
    const { instance, problems } = validateObject(this.paramsClasses.get(type) as new () => object, params, 'params');
    if (problems.length > 0) return { ok: false, problems };
    const refused = strategy.policyProblems?.(instance) ?? [];
    if (refused.length > 0) return { ok: false, problems: refused };
    return { ok: true, params: instanceToPlain(instance, { exposeUnsetFields: false }) };
  }
}
