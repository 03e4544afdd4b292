import { Injectable } from '@nestjs/common';
import { SecretBox } from '../../infra/crypto/secret-box.js';
import type { AlertValues } from '../../infra/mail/body-template.js';
import { sendMail } from '../../infra/mail/mail-transport.js';
import { sendWebhook } from '../../infra/mail/webhook-sender.js';
import type { AlertChannelEntity } from './alert-channel.entity.js';
import { mergeSmtp, mergeWebhook } from './alert-channel.input.js';
import { readSettings } from './alert-channel.view.js';

/** One alert to deliver: mail uses subject, text and recipients; webhooks render their template with values. */
export interface AlertMessage {
  subject: string;
  text: string;
  recipients: string[];
  values: AlertValues;
}

export class AlertDeliveryError extends Error {}

/** Delivers a message through a channel with its decrypted secret (test messages now, engine alerts later). */
@Injectable()
export class AlertSenderService {
  constructor(private readonly box: SecretBox) {}

  /** A short description of what the far end said; throws AlertDeliveryError when it refused or was unreachable. */
  async send(channel: AlertChannelEntity, message: AlertMessage): Promise<string> {
    const settings = readSettings(channel);
    const secret = this.box.decrypt(channel.secretEncrypted);
    const values: AlertValues = {
      subject: message.subject,
      message: message.text,
      recipients: message.recipients.join(', '),
      ...message.values,
    };
    try {
      if (channel.type === 'smtp') {
        if (message.recipients.length === 0) throw new AlertDeliveryError('no recipients');
        const server = { ...mergeSmtp(settings, {}), password: secret };
        const result = await sendMail(server, { to: message.recipients, subject: message.subject, text: message.text });
        if (result.accepted.length === 0)
          throw new AlertDeliveryError(`the SMTP server rejected ${result.rejected.join(', ')}`);
        return `accepted by ${server.host}:${server.port} for ${result.accepted.join(', ')}`;
      }
      const secretHeaders = secret ? (JSON.parse(secret) as Record<string, string>) : {};
      const webhook = mergeWebhook(settings, {});
      const result = await sendWebhook({ ...webhook, headers: { ...webhook.headers, ...secretHeaders } }, values);
      return `HTTP ${result.status} from ${new URL(webhook.url).host}`;
    } catch (error) {
      if (error instanceof AlertDeliveryError) throw error;
      throw new AlertDeliveryError(error instanceof Error ? error.message : String(error));
    }
  }
}
