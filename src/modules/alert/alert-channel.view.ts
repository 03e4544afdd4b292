import type { AlertChannelEntity, ChannelType } from './alert-channel.entity.js';
import type { SmtpSettings, WebhookSettings } from './alert-channel.input.js';

/** Settings as stored: the webhook also remembers the names (not the values) of its secret headers. */
export type StoredSettings = Partial<SmtpSettings> & Partial<WebhookSettings> & { secretHeaderNames?: string[] };

/** What the API and pages show of a channel: never the password or secret header values. */
export interface AlertChannelView {
  id: number;
  name: string;
  type: ChannelType;
  enabled: boolean;
  smtp?: SmtpSettings & { passwordSet: boolean };
  webhook?: WebhookSettings & { secretHeaderNames: string[] };
  createdAt: Date;
  updatedAt: Date;
  updatedBy: string;
}

export function readSettings(channel: AlertChannelEntity): StoredSettings {
  try {
    const value = JSON.parse(channel.settings) as unknown;
    return typeof value === 'object' && value !== null ? value : {};
  } catch {
    return {};
  }
}

export function channelView(channel: AlertChannelEntity): AlertChannelView {
  const settings = readSettings(channel);
  const view: AlertChannelView = {
    id: channel.id,
    name: channel.name,
    type: channel.type,
    enabled: channel.enabled,
    createdAt: channel.createdAt,
    updatedAt: channel.updatedAt,
    updatedBy: channel.updatedBy,
  };
  if (channel.type === 'smtp') {
    view.smtp = {
      host: settings.host ?? '',
      port: settings.port ?? 25,
      tls: settings.tls ?? 'starttls',
      user: settings.user ?? '',
      from: settings.from ?? '',
      passwordSet: channel.secretEncrypted !== '',
    };
  } else {
    view.webhook = {
      url: settings.url ?? '',
      method: settings.method ?? 'POST',
      bodyTemplate: settings.bodyTemplate ?? '',
      headers: settings.headers ?? {},
      secretHeaderNames: settings.secretHeaderNames ?? [],
    };
  }
  return view;
}
