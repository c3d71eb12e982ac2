import type { AlertEventName } from './alert-kinds';
import type { ClaimedDelivery } from './sql/delivery-queue';

interface PayloadJob {
  id: number;
  name: string;
}

interface PayloadRun {
  id: number;
  status: string;
  attempt: number;
  error: string | null;
}

const HEADLINES: Record<AlertEventName, string> = {
  failed: 'failed',
  recovered: 'recovered',
  missed: 'missed an occurrence',
};

/** The JSON body of a webhook alert: the event, the job, the run, the occurrence, and a link to the job's dashboard page. */
export function jsonBody(delivery: ClaimedDelivery, dashboardUrl: string): Record<string, unknown> {
  return { ...delivery.payload, idempotencyKey: delivery.eventKey, link: jobLink(delivery, dashboardUrl) };
}

/** One line a person reads: in a Slack message, or an e-mail's subject. */
export function headline(delivery: ClaimedDelivery): string {
  const job = delivery.payload.job as PayloadJob;
  const run = delivery.payload.run as PayloadRun | null;
  const about = run ? ` (run ${run.id}, attempt ${run.attempt}, ${run.status})` : '';
  return `Job "${job.name}" ${HEADLINES[delivery.event]}${about}`;
}

/** A Slack incoming webhook's body (also what Mattermost and Rocket.Chat accept). */
export function slackBody(delivery: ClaimedDelivery, dashboardUrl: string): Record<string, unknown> {
  const error = (delivery.payload.run as PayloadRun | null)?.error;
  return { text: `${headline(delivery)}${error ? `: ${error}` : ''}\n<${jobLink(delivery, dashboardUrl)}|Open in the dashboard>` };
}

export function emailText(delivery: ClaimedDelivery, dashboardUrl: string): string {
  const run = delivery.payload.run as PayloadRun | null;
  const lines = [
    headline(delivery),
    `Occurrence: ${String(delivery.payload.scheduledFor)}`,
    ...(run?.error ? [`Error: ${run.error}`] : []),
    `Dashboard: ${jobLink(delivery, dashboardUrl)}`,
    `Event: ${delivery.eventKey}`,
  ];
  return `${lines.join('\n')}\n`;
}

function jobLink(delivery: ClaimedDelivery, dashboardUrl: string): string {
  return `${dashboardUrl.replace(/\/$/, '')}/ui/jobs/${delivery.jobId}`;
}
