import { Injectable } from '@nestjs/common';
import type { Principal } from '../../common/auth/permissions.js';
import { AppException, ValidationException } from '../../common/http/app.exception.js';
import { AppConfig } from '../../config/app-config.js';
import { AuditService } from '../audit/audit.service.js';
import { AlertChannelService } from './alert-channel.service.js';
import { AlertDeliveryError, AlertSenderService } from './alert-sender.service.js';
import { emailListProblem, mentionListProblem, splitRecipients } from './recipients.js';

/** "Send test message": a real message through the channel, to the recipients the user typed. */
@Injectable()
export class AlertTestService {
  constructor(
    private readonly channels: AlertChannelService,
    private readonly sender: AlertSenderService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  /** What the far end said; 400 for bad recipients, 503 UNAVAILABLE when the server or webhook refused. */
  async send(id: number, recipientsText: string, actor: Principal, ip = ''): Promise<string> {
    const channel = await this.channels.entity(id);
    const problem =
      channel.type === 'smtp' ? emailListProblem(recipientsText, true) : mentionListProblem(recipientsText);
    if (problem) throw new ValidationException({ recipients: problem });
    const recipients =
      channel.type === 'smtp' ? splitRecipients(recipientsText) : recipientsText.trim() ? [recipientsText.trim()] : [];
    const time = new Date().toISOString();
    const subject = `Meshcron test message (${channel.name})`;
    const text = `This is a test message from Meshcron, sent by ${actor.username} at ${time} through the channel "${channel.name}".`;
    const values = { event: 'test', status: 'test', url: this.config.baseUrl, time };
    const record = (detail: Record<string, unknown>) =>
      this.audit.record({
        actor,
        action: 'test',
        targetType: 'alert_channel',
        targetId: id,
        targetName: channel.name,
        detail,
        ip,
      });
    try {
      const result = await this.sender.send(channel, { subject, text, recipients, values });
      await record({ ok: true, recipients });
      return result;
    } catch (error) {
      if (!(error instanceof AlertDeliveryError)) throw error;
      await record({ ok: false, recipients, error: error.message });
      throw new AppException('UNAVAILABLE', `the test message was not delivered: ${error.message}`, {
        reason: channel.type,
      });
    }
  }
}
