import { useState } from 'preact/hooks';
import { api } from '../api';
import { usePolling } from '../hooks';
import type { AlertDelivery, AlertEvent, AlertTarget, JobAlerts } from '../types';
import { PagedTable } from './PagedTable';
import { Time } from './Time';

const PAGE_SIZE = 10;

const EVENTS: Record<AlertEvent, string> = {
  failed: 'Failed',
  recovered: 'Recovered',
  missed: 'Missed',
};

/** Each delivery status, and the run status whose badge colours it. */
const STATUSES: Record<AlertDelivery['status'], { label: string; badge: string }> = {
  pending: { label: 'Pending', badge: 'retry_pending' },
  delivered: { label: 'Delivered', badge: 'succeeded' },
  undeliverable: { label: 'Undeliverable', badge: 'failed' },
};

/** Who hears of the job's events, its failure streak, and the alerts sent, newest first. */
export function AlertHistory({ jobId, jobName, now, jobVersion }: { jobId: number; jobName: string; now: number; jobVersion: string }) {
  const [page, setPage] = useState(1);
  const filters = { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE };
  const alerts = usePolling(() => api.listAlerts(jobId, filters), `${jobId}-${page}-${jobVersion}`, 5000);
  return (
    <section aria-labelledby="alerts-title" class="changes" id="job-alerts">
      <h2 id="alerts-title">Alerts</h2>
      {alerts.data && <AlertState alerts={alerts.data} />}
      <PagedTable
        loaded={alerts}
        noun="alerts"
        caption={`Alerts of ${jobName}, newest first`}
        class="alerts-table"
        columns={['When', 'Event', 'To', 'Delivery']}
        page={page}
        pageSize={PAGE_SIZE}
        onPage={setPage}
        rows={(deliveries) => (
          <tbody>
            {deliveries.map((delivery) => (
              <AlertRow delivery={delivery} now={now} key={delivery.id} />
            ))}
          </tbody>
        )}
      />
    </section>
  );
}

function AlertState({ alerts }: { alerts: JobAlerts }) {
  const { notify, usesDefault, consecutiveFailures } = alerts;
  const streak = consecutiveFailures > 0 ? ` ${consecutiveFailures} failed in a row now.` : '';
  if (!notify || notify.targets.length === 0) {
    return <p class="empty" id="alerts-state">No alerts are sent for this job.{streak}</p>;
  }
  const threshold = notify.afterConsecutiveFailures > 1 ? ` after ${notify.afterConsecutiveFailures} failures in a row` : '';
  return (
    <p id="alerts-state">
      Alerts on {notify.events.map((event) => EVENTS[event].toLowerCase()).join(', ')}
      {threshold}, sent to {notify.targets.map(targetName).join(', ')}
      {usesDefault ? ' (the service default)' : ''}.{streak}
    </p>
  );
}

function AlertRow({ delivery, now }: { delivery: AlertDelivery; now: number }) {
  return (
    <tr data-alert-id={delivery.id} data-status={delivery.status}>
      <td data-label="When" class="nowrap">
        <Time iso={delivery.createdAt} now={now} seconds />
      </td>
      <td data-label="Event">
        {EVENTS[delivery.event]}
        {delivery.runId !== null && <div class="small muted">run {delivery.runId}</div>}
      </td>
      <td data-label="To" class="mono small">
        {targetName(delivery.target)}
      </td>
      <td data-label="Delivery">
        <span class={`badge badge--${STATUSES[delivery.status].badge}`}>{STATUSES[delivery.status].label}</span>
        <div class="small muted">
          {delivery.attempts} {delivery.attempts === 1 ? 'attempt' : 'attempts'}
          {delivery.responseStatus !== null && `, HTTP ${delivery.responseStatus}`}
          {delivery.status === 'pending' && delivery.nextAttemptAt && (
            <>
              , next <Time iso={delivery.nextAttemptAt} now={now} seconds />
            </>
          )}
        </div>
        {delivery.lastError && delivery.status !== 'delivered' && <div class="small alert-error">{delivery.lastError}</div>}
      </td>
    </tr>
  );
}

function targetName(target: AlertTarget): string {
  if (target.email) return target.email;
  const url = new URL(target.url ?? '');
  return `${url.host}${url.pathname}${target.format === 'slack' ? ' (Slack)' : ''}`;
}
