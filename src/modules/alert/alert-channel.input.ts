import { DEFAULT_BODY_TEMPLATE, templateProblem } from '../../infra/mail/body-template.js';
import { SMTP_TLS_MODES, type SmtpTlsMode } from '../../infra/mail/mail-transport.js';
import { WEBHOOK_METHODS, type WebhookMethod } from '../../infra/mail/webhook-sender.js';
import { formInteger } from '../exec-host/crud-support.js';
import { formBoolean, formString } from '../users/form.js';
import { CHANNEL_TYPES, type ChannelType } from './alert-channel.entity.js';
import { isEmail } from './recipients.js';

/** Secret values: undefined or '' = keep the stored one, null = remove it. */
export interface SmtpInput {
  host?: string;
  port?: number;
  tls?: SmtpTlsMode;
  user?: string;
  from?: string;
  password?: string | null;
}

export interface WebhookInput {
  url?: string;
  method?: WebhookMethod;
  bodyTemplate?: string;
  headers?: Record<string, string>;
  secretHeaders?: Record<string, string> | null;
}

export interface AlertChannelInput {
  name?: string;
  type?: ChannelType;
  enabled?: boolean;
  smtp?: SmtpInput;
  webhook?: WebhookInput;
}

/** What is stored in alert_channel.settings (never secrets). */
export interface SmtpSettings {
  host: string;
  port: number;
  tls: SmtpTlsMode;
  user: string;
  from: string;
}
export interface WebhookSettings {
  url: string;
  method: WebhookMethod;
  bodyTemplate: string;
  headers: Record<string, string>;
}

const CHANNEL_NAME = /^[^\p{Cc}]{1,128}$/u;
const SMTP_HOST = /^[A-Za-z0-9.:[\]-]{1,253}$/;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/;
const FORBIDDEN_HEADERS = new Set(['host', 'content-length', 'content-type', 'transfer-encoding', 'connection']);
const MAX_HEADERS = 20;

/** `Name <a@b>` or `a@b`. */
export function fromProblem(from: string): string | null {
  const match = /^(?:[^<>\p{Cc}]*<([^<>]+)>|([^<>\s]+))$/u.exec(from.trim());
  const address = match?.[1] ?? match?.[2];
  return address !== undefined && isEmail(address) ? null : 'must be an email address, optionally as "Name <address>"';
}

export function webhookUrlProblem(url: string): string | null {
  if (url.length > 2000) return 'must be at most 2000 characters';
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? null : 'must start with http:// or https://';
  } catch {
    return 'must be an http(s) URL';
  }
}

export function headersProblem(headers: Record<string, string>): string | null {
  const entries = Object.entries(headers);
  if (entries.length > MAX_HEADERS) return `at most ${MAX_HEADERS} headers`;
  for (const [name, value] of entries) {
    if (!HEADER_NAME.test(name)) return `"${name}" is not a header name`;
    if (FORBIDDEN_HEADERS.has(name.toLowerCase())) return `${name} is set by Meshcron`;
    if (typeof value !== 'string' || value.length > 2000 || /[\r\n\0]/.test(value)) {
      return `the value of ${name} must be one line of at most 2000 characters`;
    }
  }
  return null;
}

function smtpProblems(smtp: SmtpInput, creating: boolean, fields: Record<string, string>): void {
  const need = (value: unknown) => creating || value !== undefined;
  if (need(smtp.host) && (!smtp.host || !SMTP_HOST.test(smtp.host)))
    fields['smtp.host'] = 'must be a host name or IP address';
  if (
    need(smtp.port) &&
    (smtp.port === undefined || !Number.isInteger(smtp.port) || smtp.port < 1 || smtp.port > 65535)
  ) {
    fields['smtp.port'] = 'must be an integer from 1 to 65535';
  }
  if (need(smtp.tls) && !SMTP_TLS_MODES.some((mode) => mode === smtp.tls))
    fields['smtp.tls'] = 'must be none, starttls or tls';
  if (smtp.user !== undefined && (smtp.user.length > 255 || /\p{Cc}/u.test(smtp.user))) {
    fields['smtp.user'] = 'must be at most 255 characters';
  }
  if (need(smtp.from)) {
    const problem = smtp.from ? fromProblem(smtp.from) : 'is required';
    if (problem) fields['smtp.from'] = problem;
  }
  if (typeof smtp.password === 'string' && smtp.password.length > 512)
    fields['smtp.password'] = 'must be at most 512 characters';
}

function webhookProblems(webhook: WebhookInput, creating: boolean, fields: Record<string, string>): void {
  if (creating || webhook.url !== undefined) {
    const problem = webhook.url ? webhookUrlProblem(webhook.url) : 'is required';
    if (problem) fields['webhook.url'] = problem;
  }
  if (webhook.method !== undefined && !WEBHOOK_METHODS.some((method) => method === webhook.method)) {
    fields['webhook.method'] = 'must be POST or PUT';
  }
  if (webhook.bodyTemplate !== undefined && webhook.bodyTemplate !== '') {
    const problem =
      webhook.bodyTemplate.length > 20_000 ? 'must be at most 20000 characters' : templateProblem(webhook.bodyTemplate);
    if (problem) fields['webhook.bodyTemplate'] = problem;
  }
  for (const key of ['headers', 'secretHeaders'] as const) {
    const headers = webhook[key];
    const problem = headers ? headersProblem(headers) : null;
    if (problem) fields[`webhook.${key}`] = problem;
  }
}

/** Field → problem for every invalid field; `type` is the channel's type (fixed after creation). */
export function alertChannelProblems(input: AlertChannelInput, type: ChannelType | undefined, creating: boolean) {
  const fields: Record<string, string> = {};
  if ((creating || input.name !== undefined) && (!input.name || !CHANNEL_NAME.test(input.name))) {
    fields.name = 'must be 1-128 characters';
  }
  if (!CHANNEL_TYPES.some((candidate) => candidate === type)) fields.type = 'must be smtp or webhook';
  if (type === 'smtp') {
    if (input.webhook !== undefined) fields.webhook = 'only for webhook channels';
    if (creating && input.smtp === undefined) fields.smtp = 'is required for an smtp channel';
    smtpProblems(input.smtp ?? {}, creating, fields);
  }
  if (type === 'webhook') {
    if (input.smtp !== undefined) fields.smtp = 'only for smtp channels';
    if (creating && input.webhook === undefined) fields.webhook = 'is required for a webhook channel';
    webhookProblems(input.webhook ?? {}, creating, fields);
  }
  return fields;
}

export function mergeSmtp(current: Partial<SmtpSettings>, input: SmtpInput): SmtpSettings {
  return {
    host: input.host ?? current.host ?? '',
    port: input.port ?? current.port ?? 25,
    tls: input.tls ?? current.tls ?? 'starttls',
    user: input.user ?? current.user ?? '',
    from: input.from?.trim() ?? current.from ?? '',
  };
}

export function mergeWebhook(current: Partial<WebhookSettings>, input: WebhookInput): WebhookSettings {
  return {
    url: input.url ?? current.url ?? '',
    method: input.method ?? current.method ?? 'POST',
    bodyTemplate: input.bodyTemplate || current.bodyTemplate || DEFAULT_BODY_TEMPLATE,
    headers: input.headers ?? current.headers ?? {},
  };
}

/** "Name: value" lines → headers; a line that is not a header is reported under `field`. */
export function parseHeaderLines(
  text: string,
  field: string,
  problems: Record<string, string>,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) {
      problems[field] = `line ${index + 1} is not "Name: value"`;
      continue;
    }
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** A channel form as typed input, and problems found while converting it (bad header lines). */
export function alertChannelFromForm(body: Record<string, unknown>, creating: boolean) {
  const problems: Record<string, string> = {};
  const type = (creating ? formString(body, 'type') : undefined) as ChannelType | undefined;
  const clear = formBoolean(body, 'clearSecret');
  const input: AlertChannelInput = {
    name: formString(body, 'name')?.trim() ?? '',
    enabled: formBoolean(body, 'enabled'),
  };
  if (creating) input.type = type;
  // On edit the type is fixed; the form says which section it shows.
  const kind = creating ? type : formString(body, 'kind');
  if (kind === 'smtp') {
    input.smtp = {
      host: formString(body, 'smtpHost')?.trim() ?? '',
      port: formInteger(body, 'smtpPort') ?? NaN,
      tls: formString(body, 'smtpTls') as SmtpTlsMode,
      user: formString(body, 'smtpUser')?.trim() ?? '',
      from: formString(body, 'smtpFrom')?.trim() ?? '',
      password: clear ? null : (formString(body, 'smtpPassword') ?? ''),
    };
  } else if (kind === 'webhook') {
    const secretText = formString(body, 'webhookSecretHeaders') ?? '';
    const secretHeaders = parseHeaderLines(secretText, 'webhook.secretHeaders', problems);
    input.webhook = {
      url: formString(body, 'webhookUrl')?.trim() ?? '',
      method: formString(body, 'webhookMethod') as WebhookMethod,
      bodyTemplate: formString(body, 'webhookBodyTemplate') ?? '',
      headers: parseHeaderLines(formString(body, 'webhookHeaders') ?? '', 'webhook.headers', problems),
      secretHeaders: clear ? null : secretText.trim() === '' ? undefined : secretHeaders,
    };
  }
  return { input, problems };
}
