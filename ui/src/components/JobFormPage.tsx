import type { ComponentChildren, InputHTMLAttributes, JSX } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, ApiError, type FieldProblem } from '../api';
import { describeSchedule, VIEWER_ZONE } from '../format';
import { flash } from '../flash';
import { useDebounced, useSchedulePreview } from '../hooks';
import { followLink, href, navigate } from '../router';
import { JOB_TYPES, type Job } from '../types';
import { Breadcrumb } from './Breadcrumb';
import { ErrorBanner } from './ErrorBanner';
import { EMPTY_FORM, formFromJob, inputFromForm, type FormState } from './job-form-state';
import { SchedulePreview } from './SchedulePreview';

/** Every API field the form has a control for, with its label; params depend on the type shown. */
const LABELS: Record<string, string> = {
  name: 'Name',
  description: 'Description',
  schedule: 'Schedule',
  runAt: 'Runs at',
  timezone: 'Time zone',
  type: 'Type',
  tags: 'Tags',
  params: 'Parameters',
  'params.message': 'Message',
  'params.level': 'Level',
  'params.url': 'URL',
  'params.method': 'Method',
  'params.headers': 'Headers',
  'params.body': 'Body',
  'params.expectedStatus': 'Expected statuses',
  'params.command': 'Command',
  'params.args': 'Arguments',
  'params.cwd': 'Working directory',
  'params.env': 'Environment',
  isActive: 'Active',
  overlapPolicy: 'Overlapping runs',
  misfirePolicy: 'Missed runs',
  maxCatchUp: 'Catch-up limit',
  jitterMs: 'Jitter (ms)',
  maxAttempts: 'Attempts',
  retryBackoffMs: 'Retry backoff (ms)',
  timeoutMs: 'Timeout (ms)',
};
const PARAMS_OF_TYPE: Record<string, string[]> = {
  log: ['message', 'level'],
  http: ['url', 'method', 'headers', 'body', 'expectedStatus'],
  shell: ['command', 'args', 'cwd', 'env'],
};

const controlId = (field: string) => `field-${field.replace(/\./g, '-')}`;

/** The control a problem belongs to: the field itself, or the closest parent the form shows. */
function controlFor(field: string, type: string): string | undefined {
  const shown = new Set(Object.keys(LABELS).filter((key) => !key.startsWith('params.') || PARAMS_OF_TYPE[type]?.includes(key.slice(7))));
  for (let candidate = field; candidate; candidate = candidate.slice(0, Math.max(0, candidate.lastIndexOf('.')))) {
    if (shown.has(candidate)) return candidate;
    if (!candidate.includes('.')) break;
  }
  return undefined;
}

const TIME_ZONES = (() => {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
})();

export function JobFormPage({ id }: { id?: number }) {
  const editing = id !== undefined;
  const [form, setForm] = useState<FormState | undefined>(editing ? undefined : EMPTY_FORM);
  /** The job as the service has it: its name for the breadcrumb, whatever the form says meanwhile. */
  const [saved, setSaved] = useState<Job | undefined>();
  const [loadError, setLoadError] = useState<ApiError | undefined>();
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [saving, setSaving] = useState(false);
  const summary = useRef<HTMLDivElement>(null);
  /** The types this service accepts new jobs of (shell only with SHELL_JOBS_ENABLED); all until it says. */
  const [offered, setOffered] = useState<readonly string[]>(JOB_TYPES);

  useEffect(() => {
    document.title = `${editing ? 'Edit job' : 'New job'} · Scheduler`;
    if (id !== undefined)
      api.getJob(id).then((job) => {
        setForm(formFromJob(job));
        setSaved(job);
      }, setLoadError);
  }, [id]);
  useEffect(() => {
    api.listJobTypes().then((types) => setOffered(JOB_TYPES.filter((type) => types.some((known) => known.type === type && known.available))), () => undefined);
  }, []);
  useEffect(() => {
    if (problems.length) summary.current?.focus();
  }, [problems]);

  const debouncedSchedule = useDebounced(form?.schedule.trim() ?? '', 300);
  const debouncedZone = useDebounced(form?.timezone.trim() || 'UTC', 300);
  const preview = useSchedulePreview(debouncedSchedule, debouncedZone);

  const byControl = useMemo(() => {
    const grouped = new Map<string, string[]>();
    for (const problem of problems) {
      const control = controlFor(problem.field, form?.type ?? 'log');
      if (!control) continue;
      grouped.set(control, [...(grouped.get(control) ?? []), problem.message]);
    }
    return grouped;
  }, [problems, form?.type]);

  if (loadError) return <ErrorBanner error={loadError} prefix="Could not load the job:" />;
  if (!form) return <p class="muted">Loading the job…</p>;

  const update = <K extends keyof FormState>(key: K, value: FormState[K], field: string) => {
    setForm({ ...form, [key]: value });
    // The person is fixing this field: its old error no longer applies.
    if (byControl.has(field)) setProblems(problems.filter((problem) => controlFor(problem.field, form.type) !== field));
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    const { input, problems: local } = inputFromForm(form, saved);
    if (local.length) return setProblems(local);
    setSaving(true);
    try {
      const job = id !== undefined ? await api.updateJob(id, input) : await api.createJob(input);
      flash(editing ? `Saved “${job.name}”.` : `Created “${job.name}”.`);
      navigate(`/jobs/${job.id}`);
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError(0, String(error));
      setProblems(apiError.fields.length ? apiError.fields : [{ field: '', message: apiError.message }]);
    } finally {
      setSaving(false);
    }
  };

  const field = (name: string, control: (props: ControlProps) => JSX.Element, options: FieldOptions = {}) => (
    <Field name={name} errors={byControl.get(name) ?? []} {...options}>
      {control}
    </Field>
  );
  const text = (key: keyof FormState, name: string, attributes: InputHTMLAttributes<HTMLInputElement> = {}) => (props: ControlProps) => (
    <input {...props} {...attributes} value={form[key] as string} onInput={(event) => update(key, event.currentTarget.value, name)} />
  );
  const area = (key: keyof FormState, name: string, rows = 3) => (props: ControlProps) => (
    <textarea {...props} rows={rows} value={form[key] as string} onInput={(event) => update(key, event.currentTarget.value, name)} />
  );
  const radio = (value: FormState['timing'], label: string) => (
    <label class="radio">
      <input type="radio" name="timing" value={value} checked={form.timing === value} onChange={() => update('timing', value, 'timing')} />
      {label}
    </label>
  );
  const choice = (key: keyof FormState, name: string, options: [string, string][]) => (props: ControlProps) => (
    <select {...props} value={form[key] as string} onChange={(event) => update(key, event.currentTarget.value, name)}>
      {options.map(([value, label]) => (
        <option value={value} key={value}>
          {label}
        </option>
      ))}
    </select>
  );
  // A job of a type no longer offered (a shell job after SHELL_JOBS_ENABLED was turned off) keeps it in the list.
  const types = offered.includes(form.type) ? [...offered] : [...offered, form.type];
  const schedule = form.schedule.trim();
  const scheduleProblem =
    preview?.schedule === schedule && 'error' in preview ? preview.error.fields.find((problem) => problem.field === 'schedule')?.message : undefined;
  const description = describeSchedule(schedule);
  const cancelPath = id !== undefined ? `/jobs/${id}` : '/';

  return (
    <section aria-labelledby="form-title">
      {id !== undefined ? (
        <Breadcrumb trail={[{ label: 'Jobs', path: '/' }, { label: saved?.name ?? '', path: `/jobs/${id}` }]} current="Edit" />
      ) : (
        <Breadcrumb trail={[{ label: 'Jobs', path: '/' }]} current="New job" />
      )}
      <div class="page-header">
        <h1 id="form-title" tabIndex={-1}>
          {editing ? `Edit “${form.name || 'job'}”` : 'New job'}
        </h1>
      </div>

      {problems.length > 0 && (
        <div class="banner banner--error" role="alert" tabIndex={-1} ref={summary} id="form-problems">
          <p>
            <strong>The job was not saved.</strong> {problems.length === 1 ? 'One problem:' : `${problems.length} problems:`}
          </p>
          <ul>
            {problems.map((problem, index) => {
              const control = controlFor(problem.field, form.type);
              const label = control ? LABELS[control] : problem.field;
              return (
                <li key={index}>
                  {control ? (
                    <a
                      href={`#${controlId(control)}`}
                      onClick={(event) => {
                        event.preventDefault();
                        document.getElementById(controlId(control))?.focus();
                      }}
                    >
                      {label}
                    </a>
                  ) : (
                    label && <strong>{label}</strong>
                  )}
                  {label ? ': ' : ''}
                  {problem.message}
                </li>
              );
            })}
          </ul>
        </div>
      )}

      <form class="job-form" onSubmit={submit} noValidate>
        <fieldset>
          <legend>Job</legend>
          {field('name', text('name', 'name', { required: true, maxLength: 200, autoComplete: 'off' }), { label: 'Name' })}
          {field('description', area('description', 'description', 2), { label: 'Description', optional: true })}
          {field('tags', text('tags', 'tags', { autoComplete: 'off', spellcheck: false, placeholder: 'billing, team:payments' }), {
            label: 'Tags',
            optional: true,
            hint: 'Comma-separated; to filter the list and pause or resume jobs together.',
          })}
        </fieldset>

        <fieldset class="schedule-fieldset">
          <legend>Schedule</legend>
          <div class="field" role="radiogroup" aria-label="When it runs">
            {radio('schedule', 'On a schedule')}
            {radio('once', 'Once, at a given time')}
          </div>
          {form.timing === 'once' &&
            field('runAt', text('runAt', 'runAt', { type: 'datetime-local', step: 1, required: true }), {
              label: 'Runs at',
              hint: `In your time zone${VIEWER_ZONE ? ` (${VIEWER_ZONE})` : ''}; the job runs once, retries included, then becomes inactive.`,
            })}
          {form.timing === 'schedule' && (
            <div class="schedule-grid">
              <div>
                {field(
                  'schedule',
                  text('schedule', 'schedule', { required: true, autoComplete: 'off', spellcheck: false, placeholder: '0 9 * * 1-5', class: 'mono' }),
                  {
                    label: 'Schedule (cron)',
                    hint: '5 fields: minute hour day-of-month month day-of-week; or 6 with seconds first.',
                    below: (
                      <p class="schedule-description" id="field-schedule-description" aria-live="polite">
                        {scheduleDescription(schedule, description, scheduleProblem, preview?.schedule === schedule)}
                      </p>
                    ),
                  },
                )}
                {field('timezone', text('timezone', 'timezone', { list: 'time-zones', autoComplete: 'off', spellcheck: false }), {
                  label: 'Time zone',
                  hint: 'The IANA zone the schedule is read in: pick one from the list as you type (UTC, Europe/Paris…), or type any zone the service knows.',
                  after:
                    VIEWER_ZONE && VIEWER_ZONE !== form.timezone ? (
                      <button type="button" class="link-button small" onClick={() => update('timezone', VIEWER_ZONE, 'timezone')}>
                        Use my time zone ({VIEWER_ZONE})
                      </button>
                    ) : undefined,
                })}
                <datalist id="time-zones">
                  {TIME_ZONES.map((zone) => (
                    <option value={zone} key={zone} />
                  ))}
                </datalist>
              </div>
              <SchedulePreview schedule={debouncedSchedule} answer={preview} />
            </div>
          )}
        </fieldset>

        <fieldset>
          <legend>What it runs</legend>
          {field(
            'type',
            choice(
              'type',
              'type',
              types.map((type) => [type, type]),
            ),
            { label: 'Type', hint: typeHint(form.type) },
          )}
          <div id={PARAMS_OF_TYPE[form.type] ? controlId('params') : undefined} tabIndex={-1} class="params">
            {PARAMS_OF_TYPE[form.type] && byControl.has('params') && (
              <p class="field-error" id="field-params-error">
                {LABELS.params}: {byControl.get('params')!.join('; ')}
              </p>
            )}
            {form.type === 'log' && (
              <>
                {field('params.message', text('logMessage', 'params.message', { placeholder: form.name || undefined }), {
                  label: 'Message',
                  optional: true,
                  hint: 'Written to the log on each run; the job name when empty.',
                })}
                {field('params.level', choice('logLevel', 'params.level', [['log', 'log'], ['warn', 'warn'], ['debug', 'debug']]), { label: 'Level' })}
              </>
            )}
            {form.type === 'http' && (
              <>
                {field('params.url', text('httpUrl', 'params.url', { type: 'url', placeholder: 'https://example.com/hook', required: true }), { label: 'URL' })}
                {field(
                  'params.method',
                  choice(
                    'httpMethod',
                    'params.method',
                    ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].map((method) => [method, method]),
                  ),
                  { label: 'Method' },
                )}
                {field('params.headers', area('httpHeaders', 'params.headers'), { label: 'Headers', optional: true, hint: 'One per line: Name: value' })}
                {field('params.body', area('httpBody', 'params.body', 4), {
                  label: 'Body',
                  optional: true,
                  hint: 'Sent as JSON when it reads as JSON, as text otherwise; not sent with GET or HEAD.',
                })}
                {field('params.expectedStatus', text('httpExpectedStatus', 'params.expectedStatus', { inputMode: 'numeric', placeholder: '200, 204' }), {
                  label: 'Expected statuses',
                  optional: true,
                  hint: 'Comma-separated; any 2xx counts as success when empty.',
                })}
              </>
            )}
            {form.type === 'shell' && (
              <>
                {field('params.command', text('shellCommand', 'params.command', { required: true, class: 'mono', spellcheck: false }), {
                  label: 'Command',
                  hint: 'Run without a shell. The service must allow shell jobs (SHELL_JOBS_ENABLED).',
                })}
                {field('params.args', area('shellArgs', 'params.args'), { label: 'Arguments', optional: true, hint: 'One per line.' })}
                {field('params.cwd', text('shellCwd', 'params.cwd', { class: 'mono', spellcheck: false }), { label: 'Working directory', optional: true })}
                {field('params.env', area('shellEnv', 'params.env'), { label: 'Environment', optional: true, hint: 'One per line: NAME=value' })}
              </>
            )}
            {!PARAMS_OF_TYPE[form.type] &&
              field('params', area('otherParams', 'params', 6), { label: 'Parameters (JSON)', hint: `The parameters of the “${form.type}” type.` })}
          </div>
        </fieldset>

        <fieldset>
          <legend>Behaviour</legend>
          <div class="field field--checkbox">
            <input
              type="checkbox"
              id={controlId('isActive')}
              checked={form.isActive}
              onChange={(event) => update('isActive', event.currentTarget.checked, 'isActive')}
              aria-describedby="field-isActive-hint"
            />
            <label for={controlId('isActive')}>Active</label>
            <p class="hint" id="field-isActive-hint">
              A paused job keeps its settings and history but is not scheduled.
            </p>
          </div>
          <div class="grid-3">
            {field('maxAttempts', text('maxAttempts', 'maxAttempts', { type: 'number', min: 1, max: 10, inputMode: 'numeric' }), {
              label: 'Attempts',
              hint: '1–10, the first included.',
            })}
            {field('retryBackoffMs', text('retryBackoffMs', 'retryBackoffMs', { type: 'number', min: 0, inputMode: 'numeric' }), {
              label: 'Retry backoff (ms)',
              hint: 'Before the first retry; doubled after.',
            })}
            {field('timeoutMs', text('timeoutMs', 'timeoutMs', { type: 'number', min: 1, inputMode: 'numeric' }), {
              label: 'Timeout (ms)',
              hint: 'A longer run is stopped.',
            })}
          </div>
          <div class="grid-2">
            {field(
              'overlapPolicy',
              choice('overlapPolicy', 'overlapPolicy', [
                ['allow', 'Allow: start the next run anyway'],
                ['forbid', 'Forbid: skip it while one is running'],
              ]),
              { label: 'Overlapping runs' },
            )}
            {field(
              'misfirePolicy',
              choice('misfirePolicy', 'misfirePolicy', [
                ['run_once', 'Run once to catch up'],
                ['skip', 'Skip them'],
                ['run_all', 'Run each, oldest first, up to the catch-up limit'],
              ]),
              { label: 'Missed runs', hint: 'Occurrences missed while no instance was up.' },
            )}
          </div>
          <div class="grid-2">
            {field('jitterMs', text('jitterMs', 'jitterMs', { type: 'number', min: 0, max: 3_600_000, inputMode: 'numeric' }), {
              label: 'Jitter (ms)',
              hint: 'Up to this long after each occurrence, the same for every instance: spreads jobs sharing a schedule.',
            })}
            {form.misfirePolicy === 'run_all' &&
              field('maxCatchUp', text('maxCatchUp', 'maxCatchUp', { type: 'number', min: 1, max: 1000, inputMode: 'numeric' }), {
                label: 'Catch-up limit',
                hint: 'At most this many missed runs, oldest first (1–1000).',
              })}
          </div>
        </fieldset>

        <div class="actions form-actions">
          <button type="submit" class="button button--primary" disabled={saving}>
            {saving ? 'Saving…' : editing ? 'Save changes' : 'Create job'}
          </button>
          <a class="button" href={href(cancelPath)} onClick={(event) => followLink(event, cancelPath)}>
            Cancel
          </a>
        </div>
      </form>
    </section>
  );
}

/**
 * The line under the schedule: the service's own objection once it has answered for this very text,
 * else the expression in words. The service decides: cronstrue and the scheduler's parser do not agree
 * on every expression, and cronstrue's errors say nothing a person can act on.
 */
function scheduleDescription(schedule: string, description: string | undefined, problem: string | undefined, answered: boolean) {
  if (!schedule) return '';
  if (problem) return <span class="schedule-problem">{problem}</span>;
  if (description) return description;
  return answered ? '' : <span class="muted">Checking…</span>;
}

function typeHint(type: string): string {
  if (type === 'log') return 'Writes a line to the service log: for trying things out.';
  if (type === 'http') return 'Calls a URL; the run fails on an unexpected status.';
  if (type === 'shell') return 'Runs a command on the instance that claims the run.';
  return 'A job type of this service.';
}

interface ControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: 'true';
}

interface FieldOptions {
  label?: string;
  hint?: string;
  optional?: boolean;
  /** Right under the control, before its errors and hint. */
  below?: ComponentChildren;
  /** After the hint. */
  after?: ComponentChildren;
}

/** A label, its control, a hint and the field's errors, tied together for assistive technology. */
function Field({ name, label, hint, optional, below, after, errors, children }: FieldOptions & { name: string; errors: string[]; children: (props: ControlProps) => JSX.Element }) {
  const id = controlId(name);
  const describedBy = [hint && `${id}-hint`, name === 'schedule' && 'field-schedule-description', errors.length > 0 && `${id}-error`]
    .filter(Boolean)
    .join(' ');
  return (
    <div class={`field${errors.length ? ' field--invalid' : ''}`}>
      <label for={id}>
        {label ?? LABELS[name]}
        {optional && <span class="muted"> (optional)</span>}
      </label>
      {children({ id, 'aria-describedby': describedBy || undefined, 'aria-invalid': errors.length ? 'true' : undefined })}
      {below}
      {errors.length > 0 && (
        <p class="field-error" id={`${id}-error`}>
          <span aria-hidden="true">⚠ </span>
          {errors.join('; ')}
        </p>
      )}
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {after}
    </div>
  );
}
