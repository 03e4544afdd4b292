import { randomBytes } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import type { AlertValues } from '../../infra/mail/body-template.js';
import { AlertChannelEntity } from '../alert/alert-channel.entity.js';
import { AlertSenderService } from '../alert/alert-sender.service.js';
import { splitRecipients } from '../alert/recipients.js';
import { EngineDb, toNumber } from '../execution/engine-db.js';
import { EngineHooks } from '../execution/engine-hooks.js';
import { Pump } from '../../common/pump.js';

const POLL_MS = 2000;
/** A claimed alert is not picked again before this (a sender that died mid-send is retried after it). */
const LEASE_MS = 60_000;
const MAX_ATTEMPTS = 10;
const BATCH = 20;

interface OutboxRow {
  id: number;
  channelId: number;
  recipients: string;
  subject: string;
  body: string;
  values: AlertValues;
  attempts: number;
}

function backoffMs(attempts: number): number {
  return Math.min(3600_000, 5000 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Delivers the alert outbox: claims due rows by a lease (so several portals never send the same
 * row at once), sends through the channel, marks them sent; failures are retried with back-off and
 * given up after MAX_ATTEMPTS.
 */
@Injectable()
export class AlertDeliveryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AlertDeliveryService.name);
  private readonly owner = randomBytes(8).toString('hex');
  private readonly pump = new Pump(
    () => this.deliverDue(),
    (error) => this.logger.error(`alert delivery failed: ${error.message}`),
  );

  constructor(
    private readonly db: EngineDb,
    private readonly sender: AlertSenderService,
    private readonly config: AppConfig,
    @InjectRepository(AlertChannelEntity) private readonly channels: Repository<AlertChannelEntity>,
    hooks: EngineHooks,
  ) {
    hooks.onAlerts = () => this.wake();
  }

  onApplicationBootstrap(): void {
    this.pump.every(POLL_MS);
    this.pump.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pump.stop();
  }

  wake(): void {
    this.pump.wake();
  }

  /** Claims and sends what is due; true when a full batch was due (more may be waiting). */
  private async deliverDue(): Promise<boolean> {
    const { claimed, more } = await this.claimDue();
    for (const row of claimed) await this.deliver(row);
    return more;
  }

  private async claimDue(): Promise<{ claimed: OutboxRow[]; more: boolean }> {
    const now = Date.now();
    const due = await this.db.read((sql) =>
      sql.rows<{ id: unknown }>(
        `SELECT id FROM alert_outbox WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ${BATCH}`,
        [now],
      ),
    );
    const claimed: OutboxRow[] = [];
    for (const { id } of due) {
      const row = await this.db.transaction(async (sql) => {
        const won = await sql.exec(
          'UPDATE alert_outbox SET attempts = attempts + 1, next_attempt_at = ?, claimed_by = ? ' +
            "WHERE id = ? AND state = 'pending' AND next_attempt_at <= ?",
          [now + LEASE_MS, this.owner, toNumber(id), now],
        );
        if (won === 0) return null;
        const [raw] = await sql.rows<Record<string, unknown>>(
          'SELECT id, channel_id, recipients, subject, body, placeholder_values, attempts FROM alert_outbox WHERE id = ?',
          [toNumber(id)],
        );
        return raw;
      });
      if (!row) continue;
      claimed.push({
        id: toNumber(row.id),
        channelId: toNumber(row.channel_id),
        recipients: String(row.recipients),
        subject: String(row.subject),
        body: String(row.body),
        values: JSON.parse(String(row.placeholder_values)) as AlertValues,
        attempts: toNumber(row.attempts),
      });
    }
    return { claimed, more: due.length === BATCH };
  }

  private async deliver(row: OutboxRow): Promise<void> {
    try {
      const channel = await this.channels.findOneBy({ id: row.channelId });
      if (!channel || !channel.enabled) throw new Error('the channel was removed or disabled');
      if (channel.type === 'smtp' && !this.config.values.mail.enabled) throw new Error('mail.enabled is false');
      const recipients = channel.type === 'smtp' ? splitRecipients(row.recipients) : [row.recipients].filter(Boolean);
      const answer = await this.sender.send(channel, {
        subject: row.subject,
        text: row.body,
        recipients,
        values: row.values,
      });
      await this.finish(row, "state = 'sent', sent_at = ?, last_error = NULL", [Date.now()]);
      this.logger.log(`alert ${row.id} sent: ${answer}`);
    } catch (error) {
      const message = (error as Error).message.slice(0, 2000);
      if (row.attempts >= MAX_ATTEMPTS || message === 'mail.enabled is false') {
        await this.finish(row, "state = 'failed', last_error = ?", [message]);
        this.logger.error(`alert ${row.id} given up after ${row.attempts} attempt(s): ${message}`);
      } else {
        await this.finish(row, 'next_attempt_at = ?, last_error = ?', [Date.now() + backoffMs(row.attempts), message]);
        this.logger.warn(`alert ${row.id} not sent (attempt ${row.attempts}): ${message}`);
      }
    }
  }

  private async finish(row: OutboxRow, assignments: string, values: (string | number)[]): Promise<void> {
    await this.db.transaction((sql) =>
      sql.exec(`UPDATE alert_outbox SET ${assignments} WHERE id = ? AND claimed_by = ?`, [
        ...values,
        row.id,
        this.owner,
      ]),
    );
  }
}
