import type { AlertValues } from '../../infra/mail/body-template.js';
import type { AlertEvent } from '../dispatch/dispatch.entity.js';

export interface AlertExecution {
  id: number;
  dispatchName: string;
  interfaceName: string;
  dataDate: string;
  scheduledAt: Date;
  state: string;
}

export interface AlertRun {
  interfaceName: string;
  jobName: string;
  state: string;
  attempt: number;
  exitCode: number | null;
  error: string | null;
  hostName: string | null;
  /** Last output lines, oldest first. */
  tail: string[];
  timeoutWarnSeconds?: number;
  startedAt?: Date | null;
  /** The job's expected duration (late alerts). */
  expectedMs?: number | null;
}

export interface ComposedAlert {
  subject: string;
  text: string;
  values: AlertValues;
}

const TAIL_LINES = 20;
const HEADLINES: Record<AlertEvent, string> = {
  failure: 'FAILED',
  success: 'SUCCEEDED',
  timeout: 'RUNNING LONG',
  recovery: 'RECOVERED',
  late: 'RUNNING LATE',
};

/** "3 min 5 s" / "42 s". */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function lateFact(run: AlertRun, now: Date): string | null {
  if (!run.startedAt || run.expectedMs === null || run.expectedMs === undefined) return null;
  const elapsed = formatDuration(now.getTime() - run.startedAt.getTime());
  return `running for ${elapsed}, expected ${formatDuration(run.expectedMs)}`;
}

function runBlock(run: AlertRun, event: AlertEvent, now: Date): string[] {
  const facts = [
    run.state,
    `attempt ${run.attempt}`,
    run.exitCode === null ? null : `exit code ${run.exitCode}`,
    run.hostName ? `on ${run.hostName}` : null,
    event === 'timeout' && run.timeoutWarnSeconds ? `running longer than ${run.timeoutWarnSeconds} s` : null,
    event === 'late' ? lateFact(run, now) : null,
  ].filter((fact): fact is string => fact !== null);
  const lines = [`- ${run.interfaceName} / ${run.jobName} (${facts.join(', ')})`];
  if (run.error) lines.push(`  error: ${run.error}`);
  const tail = run.tail.slice(-TAIL_LINES);
  if (tail.length > 0) {
    lines.push(`  last ${tail.length} line(s) of output:`);
    for (const line of tail) lines.push(`  | ${line}`);
  }
  return lines;
}

function intro(event: AlertEvent): string {
  switch (event) {
    case 'failure':
      return 'Failed jobs:';
    case 'timeout':
      return 'Job running past its warning timeout:';
    case 'recovery':
      return 'The execution succeeded after a failure.';
    case 'late':
      return 'Job running later than its usual duration:';
    case 'success':
      return 'The execution succeeded.';
  }
}

/** Subject, plain text and template values of an alert (mail body and webhook placeholders). */
export function composeAlert(
  event: AlertEvent,
  execution: AlertExecution,
  runs: readonly AlertRun[],
  url: string,
  recipients: string,
): ComposedAlert {
  const name = execution.dispatchName || execution.interfaceName;
  const subject = `[Meshcron] ${HEADLINES[event]}: ${name} / ${execution.interfaceName} for ${execution.dataDate} (execution #${execution.id})`;
  const lines = [
    `Dispatch:     ${execution.dispatchName || '(manual run)'}`,
    `Interface:    ${execution.interfaceName}`,
    `Data date:    ${execution.dataDate}`,
    `Scheduled at: ${execution.scheduledAt.toISOString()}`,
    `Execution:    #${execution.id} (${execution.state})`,
    `Link:         ${url}`,
    '',
    intro(event),
  ];
  const now = new Date();
  for (const run of runs) lines.push(...runBlock(run, event, now));
  const text = `${lines.join('\n')}\n`;
  return {
    subject,
    text,
    values: {
      subject,
      message: text,
      event,
      status: execution.state,
      dispatch: execution.dispatchName,
      interface: execution.interfaceName,
      dataDate: execution.dataDate,
      scheduledAt: execution.scheduledAt.toISOString(),
      executionId: String(execution.id),
      url,
      recipients,
      time: new Date().toISOString(),
    },
  };
}
