import nodemailer from 'nodemailer';

export const SMTP_TLS_MODES = ['none', 'starttls', 'tls'] as const;
export type SmtpTlsMode = (typeof SMTP_TLS_MODES)[number];

/** An SMTP server to send through; `password` comes decrypted from the channel. */
export interface SmtpServer {
  host: string;
  port: number;
  tls: SmtpTlsMode;
  user: string;
  password: string;
  from: string;
}

export interface MailMessage {
  to: string[];
  subject: string;
  text: string;
}

export interface MailResult {
  messageId: string;
  accepted: string[];
  rejected: string[];
}

/** none = plain text only; starttls = upgrade required; tls = TLS from the first byte (port 465). */
function securityOptions(tls: SmtpTlsMode) {
  switch (tls) {
    case 'none':
      return { secure: false, ignoreTLS: true };
    case 'starttls':
      return { secure: false, requireTLS: true };
    case 'tls':
      return { secure: true };
  }
}

/** A nodemailer transport for one server (no pooling: alerts are rare). */
export function createMailTransport(server: SmtpServer, timeoutMs = 15_000) {
  return nodemailer.createTransport({
    host: server.host,
    port: server.port,
    ...securityOptions(server.tls),
    auth: server.user ? { user: server.user, pass: server.password } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
}

/** Sends one plain-text mail; rejects with nodemailer's error (its message names the SMTP reply). */
export async function sendMail(server: SmtpServer, message: MailMessage, timeoutMs?: number): Promise<MailResult> {
  const transport = createMailTransport(server, timeoutMs);
  try {
    const info = await transport.sendMail({
      from: server.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
    });
    const addresses = (list: unknown) =>
      Array.isArray(list)
        ? list.map((item) => (typeof item === 'string' ? item : String((item as { address?: string }).address)))
        : [];
    return {
      messageId: String(info.messageId),
      accepted: addresses(info.accepted),
      rejected: addresses(info.rejected),
    };
  } finally {
    transport.close();
  }
}
