import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import type { AlertEvent } from '../dispatch/dispatch.entity.js';
import {
  placeholders,
  toDateOrNull,
  toNumber,
  toNumberOrNull,
  toText,
  toTextOrNull,
  type Sql,
} from '../execution/engine-db.js';
import { composeAlert, type AlertExecution, type AlertRun } from './alert-composer.js';

export interface AlertRequest {
  event: AlertEvent;
  executionId: number;
  /** Runs the alert is about (failed runs, the slow run); may be empty. */
  runIds: readonly number[];
  /** Distinguishes alerts of one event within an execution (e.g. the run and attempt of a timeout). */
  key?: string;
}

const OUTBOX_COLUMNS = [
  'dedupe_key',
  'execution_id',
  'dispatch_id',
  'event',
  'channel_id',
  'recipients',
  'subject',
  'body',
  'placeholder_values',
  'state',
  'attempts',
  'next_attempt_at',
  'created_at',
];

interface Rule {
  channelId: number;
  recipients: string;
}

function parseTail(text: unknown): string[] {
  if (typeof text !== 'string' || text === '') return [];
  try {
    const lines = JSON.parse(text) as { line?: unknown }[];
    return Array.isArray(lines) ? lines.map((item) => toText(item.line)) : [];
  } catch {
    return [];
  }
}

/**
 * Writes alerts into the outbox inside the caller's transaction, so an alert exists exactly when
 * the state change that causes it was committed. One row per channel of the dispatch's rule;
 * the dedupe key makes a repeated request a no-op.
 */
@Injectable()
export class AlertOutboxService {
  constructor(private readonly config: AppConfig) {}

  /** Returns how many alert rows were queued. */
  async enqueue(sql: Sql, request: AlertRequest): Promise<number> {
    const execution = await this.execution(sql, request.executionId);
    if (!execution || execution.dispatchId === null) return 0;
    const rules = await this.rules(sql, execution.dispatchId, request.event);
    if (rules.length === 0) return 0;
    const runs = await this.runs(sql, request.runIds);
    const url = `${this.config.baseUrl}/executions/${execution.id}`;
    const now = Date.now();
    const rows = rules.map((rule) => {
      const alert = composeAlert(request.event, execution, runs, url, rule.recipients);
      const key = `${request.event}:${execution.id}:${request.key ?? ''}:${rule.channelId}`;
      return [
        key.slice(0, 128),
        execution.id,
        execution.dispatchId,
        request.event,
        rule.channelId,
        rule.recipients,
        alert.subject.slice(0, 512),
        alert.text,
        JSON.stringify(alert.values),
        'pending',
        0,
        now,
        now,
      ];
    });
    await sql.insertMany('alert_outbox', OUTBOX_COLUMNS, rows, true);
    return rows.length;
  }

  private async execution(sql: Sql, id: number): Promise<(AlertExecution & { dispatchId: number | null }) | null> {
    const [row] = await sql.rows<Record<string, unknown>>(
      'SELECT id, dispatch_id, dispatch_name, interface_name, data_date, scheduled_at, state FROM execution WHERE id = ?',
      [id],
    );
    if (!row) return null;
    return {
      id: toNumber(row.id),
      dispatchId: toNumberOrNull(row.dispatch_id),
      dispatchName: String(row.dispatch_name),
      interfaceName: String(row.interface_name),
      dataDate: String(row.data_date),
      scheduledAt: toDateOrNull(row.scheduled_at) ?? new Date(0),
      state: String(row.state),
    };
  }

  private async rules(sql: Sql, dispatchId: number, event: AlertEvent): Promise<Rule[]> {
    const rows = await sql.rows<Record<string, unknown>>(
      'SELECT a.channel_id, a.recipients FROM dispatch_alert a JOIN alert_channel c ON c.id = a.channel_id ' +
        'WHERE a.dispatch_id = ? AND a.event = ? AND a.enabled = 1 AND c.enabled = 1 ORDER BY a.channel_id',
      [dispatchId, event],
    );
    return rows.map((row) => ({ channelId: toNumber(row.channel_id), recipients: String(row.recipients) }));
  }

  private async runs(sql: Sql, ids: readonly number[]): Promise<AlertRun[]> {
    if (ids.length === 0) return [];
    const rows = await sql.rows<Record<string, unknown>>(
      'SELECT r.interface_name, r.job_name, r.state, r.attempt, r.exit_code, r.error, r.tail, r.timeout_warn_seconds, ' +
        'r.started_at, s.expected_ms, h.name AS host_name FROM job_run r LEFT JOIN exec_host h ON h.id = r.host_id ' +
        `LEFT JOIN job_duration_stat s ON s.job_id = r.job_id WHERE r.id IN (${placeholders(ids.length)}) ` +
        'ORDER BY r.id',
      [...ids],
    );
    return rows.map((row) => ({
      interfaceName: String(row.interface_name),
      jobName: String(row.job_name),
      state: String(row.state),
      attempt: toNumber(row.attempt),
      exitCode: toNumberOrNull(row.exit_code),
      error: toTextOrNull(row.error),
      hostName: toTextOrNull(row.host_name),
      tail: parseTail(row.tail),
      timeoutWarnSeconds: toNumber(row.timeout_warn_seconds),
      startedAt: toDateOrNull(row.started_at),
      expectedMs: toNumberOrNull(row.expected_ms),
    }));
  }
}
