import { ConflictException, ForbiddenException, Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { Actor } from '../audit/actor';
import { type AuditAction, changeAction } from '../audit/audit-entry';
import { AuditLog } from '../audit/audit-log';
import { fieldDiff } from '../audit/field-diff';
import { AlertSettings } from '../alerts/alert-settings';
import { normaliseNotify, notifyProblems } from '../alerts/notify';
import { JobCache } from '../cache/job-cache';
import { Clock } from '../clock/clock';
import { isUniqueViolation } from '../database/prisma-errors';
import { JobTypeRegistry } from '../job-types/job-type.registry';
import { canonicalTimezone, nextOccurrence, UncomputableOccurrence } from '../schedules/cron-schedule';
import { REDACTED, redactSecrets } from '../security/redact-secrets';
import { type Role, roleAllows } from '../security/roles';
import { badRequest, type FieldProblem, validateObject } from '../validation/field-problems';
import { type ApplyPlan, planApply } from './document/apply-plan';
import { DEFINITION_DEFAULTS, definitionOf, type JobDefinition, normaliseSchedule } from './document/job-definition';
import { DOCUMENT_VERSION, type JobDocument } from './document/job-document';
import type { ApplyDocumentDto } from './dto/apply-document.dto';
import type { ApplyQuery } from './dto/apply.query';
import type { ApplyResponse } from './dto/apply.response';
import { concurrencyProblem } from './concurrency-problem';
import { CreateJobDto } from './dto/create-job.dto';
import { JobsRepository } from './jobs.repository';

/** An admin's plan: anything but pausing and resuming existing jobs. */
function roleNeeded(plan: ApplyPlan): Role {
  if (plan.create.length > 0 || plan.delete.length > 0) return 'admin';
  if (plan.update.some(({ changes }) => Object.keys(changes).some((field) => field !== 'isActive'))) return 'admin';
  return plan.update.length > 0 ? 'operator' : 'reader';
}

const containsRedactionMarker = (value: unknown) => JSON.stringify(value).includes(JSON.stringify(REDACTED));

/** Jobs as code: the export of every job as one document, and the apply that makes the service match one. */
@Injectable()
export class JobsDocumentService {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly types: JobTypeRegistry,
    private readonly clock: Clock,
    private readonly cache: JobCache,
    private readonly auditLog: AuditLog,
    private readonly alerts: AlertSettings,
    @InjectPinoLogger('Jobs') private readonly audit: PinoLogger,
  ) {}

  /** Every job; its secrets only for an admin, since an admin's export is the backup a restore starts from. */
  async export(role: Role | undefined): Promise<JobDocument> {
    const document: JobDocument = { version: DOCUMENT_VERSION, jobs: (await this.jobs.findAllByName()).map(definitionOf) };
    return role === 'admin' ? document : redactSecrets(document);
  }

  /** Each job the apply creates, changes or deletes gets its audit entry, as through POST, PATCH and DELETE /jobs. */
  async apply(document: ApplyDocumentDto, options: ApplyQuery, role: Role | undefined, actor: Actor): Promise<ApplyResponse> {
    const desired = this.definitions(document.jobs);
    let requiredRole: Role = 'reader';
    const makePlan = (current: Parameters<typeof definitionOf>[0][]) => {
      const plan = planApply(desired, current.map((job) => ({ ...definitionOf(job), id: job.id })), options.prune);
      requiredRole = roleNeeded(plan);
      if (!options.dryRun && !(role && roleAllows(role, requiredRole))) {
        throw new ForbiddenException(`the role ${role ?? 'of no one'} may not apply this document: it ${describeNeed(plan, requiredRole)}`);
      }
      return plan;
    };
    try {
      const { plan, writtenIds } = await this.jobs.reconcile(makePlan, (definition, id) => this.nextRun(definition, id), !options.dryRun, (transaction, before, after) => {
        const job = (after ?? before)!;
        return this.auditLog.record(transaction, { actor, action: actionOf(before, after), jobId: job.id, jobName: job.name, changes: fieldDiff(before, after) });
      });
      if (writtenIds.length > 0) {
        await this.cache.invalidate(writtenIds);
        this.audit.info({ created: plan.create.length, changed: plan.update.length, deleted: plan.delete.length, jobIds: writtenIds }, 'jobs applied');
      }
      return {
        dryRun: options.dryRun,
        requiredRole,
        created: plan.create.map((definition) => definition.name),
        changed: plan.update.map(({ name, changes }) => ({ name, changes })),
        deleted: plan.delete.map((job) => job.name),
        unchanged: plan.unchanged,
      };
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictException('jobs: another request created a job of the same name meanwhile; apply again');
      throw error;
    }
  }

  /** Each job of the document validated and normalised as POST /jobs does it; every problem of every job in one 400. */
  private definitions(items: unknown[]): JobDefinition[] {
    const problems: FieldProblem[] = [];
    const seen = new Map<string, number>();
    const definitions = items.map((item, index) => {
      const at = `jobs[${index}]`;
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        problems.push({ field: at, message: 'must be an object' });
        return undefined;
      }
      const name = (item as { name?: unknown }).name;
      const own = (found: FieldProblem[]) =>
        found.forEach((problem) =>
          problems.push({ field: problem.field.startsWith(at) ? problem.field : `${at}.${problem.field}`, message: typeof name === 'string' ? `${problem.message} (job "${name}")` : problem.message }),
        );
      const checked = validateObject(CreateJobDto, item, at);
      if (checked.problems.length > 0) return void own(checked.problems);
      const dto = checked.instance;
      const earlier = seen.get(dto.name);
      if (earlier !== undefined) return void own([{ field: `${at}.name`, message: `repeats the name of jobs[${earlier}]` }]);
      seen.set(dto.name, index);
      return this.normalised(dto, own);
    });
    if (problems.length > 0) throw badRequest(problems);
    return definitions as JobDefinition[];
  }

  private normalised(dto: CreateJobDto, report: (problems: FieldProblem[]) => void): JobDefinition | undefined {
    if (dto.runAt !== undefined || dto.schedule === undefined) {
      return void report([{ field: 'runAt', message: 'one-off jobs are not part of a jobs document: give a schedule, or create the job with POST /jobs' }]);
    }
    const type = dto.type ?? DEFINITION_DEFAULTS.type;
    const params = this.types.checkParams(type, dto.params ?? {});
    if (!params.ok) return void report(params.problems);
    if (containsRedactionMarker(params.params)) {
      return void report([{ field: 'params', message: `holds "${REDACTED}" from an export made without the admin role: put the secrets back` }]);
    }
    const concurrency = concurrencyProblem(dto.overlapPolicy ?? DEFINITION_DEFAULTS.overlapPolicy, dto.maxConcurrency ?? null, 'maxConcurrency');
    if (concurrency) return void report([concurrency]);
    const notifyFound = dto.notify ? notifyProblems(dto.notify, this.alerts.capabilities, 'notify') : [];
    if (notifyFound.length > 0) return void report(notifyFound);
    const definition: JobDefinition = {
      ...DEFINITION_DEFAULTS,
      ...(Object.fromEntries(Object.entries(dto).filter(([, value]) => value !== undefined)) as CreateJobDto),
      type,
      schedule: normaliseSchedule(dto.schedule),
      timezone: canonicalTimezone(dto.timezone ?? DEFINITION_DEFAULTS.timezone) as string,
      params: params.params,
      notify: dto.notify ? normaliseNotify(dto.notify) : null,
    };
    try {
      nextOccurrence(definition.schedule, definition.timezone, this.clock.now(), 1);
    } catch (error) {
      if (!(error instanceof UncomputableOccurrence)) throw error;
      return void report([{ field: 'schedule', message: error.message }]);
    }
    return definition;
  }

  private nextRun(definition: JobDefinition, id: number): Date | null {
    return definition.isActive ? nextOccurrence(definition.schedule, definition.timezone, this.clock.now(), id, definition.jitterMs) : null;
  }
}

function actionOf(before: { isActive: boolean } | null, after: { isActive: boolean } | null): AuditAction {
  if (!before) return 'create';
  if (!after) return 'delete';
  return changeAction(fieldDiff(before, after).map((change) => change.field), after.isActive);
}

function describeNeed(plan: ApplyPlan, role: Role): string {
  const what = [
    plan.create.length > 0 && `creates ${plan.create.length}`,
    plan.update.length > 0 && `changes ${plan.update.length}`,
    plan.delete.length > 0 && `deletes ${plan.delete.length}`,
  ].filter(Boolean);
  return `${what.join(', ')} job(s), which needs ${role}`;
}
