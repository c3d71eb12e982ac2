import { useState } from 'preact/hooks';
import { api } from '../api';
import { usePolling } from '../hooks';
import type { AuditAction, AuditEntry, ChangedField } from '../types';
import { PagedTable } from './PagedTable';
import { Time } from './Time';

const PAGE_SIZE = 10;

const ACTIONS: Record<AuditAction, string> = {
  create: 'Created',
  update: 'Changed',
  delete: 'Deleted',
  pause: 'Paused',
  resume: 'Resumed',
  run: 'Run now',
  cancel: 'Cancelled a run',
  backfill: 'Backfill',
};

/** Who changed the job, when, from where, and what, newest first (the service's audit log). */
export function ChangeHistory({ jobId, jobName, now, jobVersion }: { jobId: number; jobName: string; now: number; jobVersion: string }) {
  const [page, setPage] = useState(1);
  const filters = { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE };
  // A change moves the job's updatedAt: the key change loads the page at once.
  const changes = usePolling(() => api.listChanges(jobId, filters), `${jobId}-${page}-${jobVersion}`, 5000);
  return (
    <section aria-labelledby="changes-title" class="changes">
      <h2 id="changes-title">Changes</h2>
      <PagedTable
        loaded={changes}
        noun="changes"
        caption={`Changes to ${jobName}, newest first`}
        class="changes-table"
        columns={['When', 'Who', 'Action', 'What changed']}
        empty="No changes recorded."
        page={page}
        pageSize={PAGE_SIZE}
        onPage={setPage}
        rows={(entries) => (
          <tbody>
            {entries.map((entry) => (
              <ChangeRow entry={entry} now={now} key={entry.id} />
            ))}
          </tbody>
        )}
      />
    </section>
  );
}

function ChangeRow({ entry, now }: { entry: AuditEntry; now: number }) {
  return (
    <tr data-action={entry.action} data-entry-id={entry.id}>
      <td data-label="When" class="nowrap">
        <Time iso={entry.at} now={now} seconds />
      </td>
      <td data-label="Who">
        <span class="actor">{entry.actor}</span>
        {entry.address && <div class="small muted mono">from {entry.address}</div>}
      </td>
      <td data-label="Action">{ACTIONS[entry.action]}</td>
      <td data-label="What changed">
        <WhatChanged entry={entry} />
      </td>
    </tr>
  );
}

/** Updates list each field; a creation or deletion folds its whole list of settings away. */
function WhatChanged({ entry }: { entry: AuditEntry }) {
  if (entry.action === 'run') return <span>run {entry.runId} queued</span>;
  if (entry.changes.length === 0) return <span class="muted">nothing</span>;
  const list = (
    <ul class="change-list">
      {entry.changes.map((change) => (
        <li key={change.field}>
          <FieldChange change={change} />
        </li>
      ))}
    </ul>
  );
  if (entry.action === 'create' || entry.action === 'delete') {
    return (
      <details>
        <summary>{entry.changes.length} settings</summary>
        {list}
      </details>
    );
  }
  return list;
}

function FieldChange({ change }: { change: ChangedField }) {
  const hasBefore = 'before' in change;
  const hasAfter = 'after' in change;
  return (
    <>
      <code class="change-field">{change.field}</code>:{' '}
      {hasBefore && <span class="change-before">{shown(change.before)}</span>}
      {hasBefore && hasAfter && <span aria-label="changed to"> → </span>}
      {hasAfter && <span class="change-after">{shown(change.after)}</span>}
    </>
  );
}

function shown(value: unknown): string {
  if (value === undefined) return 'unset';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
