// A real SMTP server for tests (smtp-server, plain TCP on 127.0.0.1, no TLS) that keeps every message
// it receives, with a minimal MIME decoder for headers, text, html and attachments.
import { SMTPServer } from 'smtp-server';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';

export interface SmtpAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface SmtpMessage {
  /** Envelope sender (MAIL FROM). */
  from: string;
  /** Envelope recipients (RCPT TO), To, Cc and Bcc alike. */
  to: string[];
  /** User name the client authenticated with, if it did. */
  user?: string;
  /** Decoded Subject header ('' if none). */
  subject: string;
  /** Top-level headers: lower-case names, unfolded, RFC 2047 words decoded; repeated ones joined with '\n'. */
  headers: Record<string, string>;
  /** First text/plain part, transfer-decoded, with LF line ends ('' if none). */
  text: string;
  /** First text/html part, transfer-decoded, with LF line ends. */
  html?: string;
  attachments: SmtpAttachment[];
  /** The whole message as received (CRLF line ends). */
  raw: string;
}

export interface SmtpSinkOptions {
  /** When set with `password`, AUTH is required and must match; otherwise any AUTH (or none) is accepted. */
  user?: string;
  password?: string;
  /** Default 0 (a free port). */
  port?: number;
}

export interface SmtpSink {
  host: string;
  port: number;
  /** Every message received so far, oldest first. */
  readonly messages: SmtpMessage[];
  /** Resolves with the messages once at least `count` were received; rejects after `timeoutMs` (default 5000). */
  waitFor(count: number, timeoutMs?: number): Promise<SmtpMessage[]>;
  /** Forgets the messages received so far. */
  clear(): void;
  close(): Promise<void>;
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const host = '127.0.0.1';
  const messages: SmtpMessage[] = [];
  let waiters: { count: number; resolve: () => void }[] = [];
  const requireAuth = options.user !== undefined && options.password !== undefined;

  const notify = () => {
    const ready = waiters.filter((waiter) => messages.length >= waiter.count);
    waiters = waiters.filter((waiter) => messages.length < waiter.count);
    for (const waiter of ready) waiter.resolve();
  };

  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: !requireAuth,
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    closeTimeout: 1000,
    size: 25 * 1024 * 1024,
    onAuth(auth, _session, callback) {
      if (requireAuth && (auth.username !== options.user || auth.password !== options.password)) {
        callback(new Error('Invalid username or password'));
        return;
      }
      callback(null, { user: auth.username ?? '' });
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (error: Error) => callback(error));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          callback(Object.assign(new Error('Message exceeds the size limit'), { responseCode: 552 }));
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const mailFrom = session.envelope.mailFrom;
        const user: unknown = session.user;
        messages.push({
          from: mailFrom === false ? '' : mailFrom.address,
          to: session.envelope.rcptTo.map((address) => address.address),
          ...(typeof user === 'string' ? { user } : {}),
          ...parseMessage(raw),
          raw,
        });
        callback(null, `queued as ${messages.length}`);
        notify();
      });
    },
  });
  server.on('error', () => {
    // A client dropping its connection must not crash the test process.
  });

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('SMTP sink has no TCP address');

  return {
    host,
    port: address.port,
    messages,
    waitFor(count, timeoutMs = 5000) {
      if (messages.length >= count) return Promise.resolve([...messages]);
      return new Promise((resolve, reject) => {
        const waiter = {
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve([...messages]);
          },
        };
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== waiter);
          reject(new Error(`SMTP sink: ${messages.length} of ${count} message(s) received after ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    clear() {
      messages.length = 0;
    },
    close() {
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ---------------------------------------------------------- MIME decoding ---

interface Part {
  headers: Record<string, string>;
  body: string;
}

type Parsed = Pick<SmtpMessage, 'subject' | 'headers' | 'text' | 'html' | 'attachments'>;

export function parseMessage(raw: string): Parsed {
  const top = splitPart(raw);
  const result: Parsed = { subject: top.headers['subject'] ?? '', headers: top.headers, text: '', attachments: [] };
  let textFound = false;
  const walk = (part: Part) => {
    const type = parseHeaderValue(part.headers['content-type'] ?? 'text/plain');
    const mime = type.value.toLowerCase();
    if (mime.startsWith('multipart/') && type.params['boundary'] !== undefined) {
      for (const child of splitMultipart(part.body, type.params['boundary'])) walk(splitPart(child));
      return;
    }
    const disposition = parseHeaderValue(part.headers['content-disposition'] ?? '');
    const filename = disposition.params['filename'] ?? type.params['name'];
    const content = decodeTransfer(part.body, part.headers['content-transfer-encoding'] ?? '7bit');
    if (disposition.value.toLowerCase() === 'attachment' || filename !== undefined) {
      result.attachments.push({ filename: filename ?? '', contentType: mime, content });
    } else if (mime === 'text/plain' && !textFound) {
      textFound = true;
      result.text = decodeCharset(content, type.params['charset']).replace(/\r\n/g, '\n');
    } else if (mime === 'text/html' && result.html === undefined) {
      result.html = decodeCharset(content, type.params['charset']).replace(/\r\n/g, '\n');
    }
  };
  walk(top);
  return result;
}

function splitPart(raw: string): Part {
  const match = /\r?\n\r?\n/.exec(raw);
  const headerBlock = match === null ? raw : raw.slice(0, match.index);
  const body = match === null ? '' : raw.slice(match.index + match[0].length);
  const headers: Record<string, string> = {};
  for (const line of headerBlock.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = decodeWords(line.slice(colon + 1).trim());
    headers[name] = headers[name] === undefined ? value : `${headers[name]}\n${value}`;
  }
  return { headers, body };
}

function splitMultipart(body: string, boundary: string): string[] {
  const parts: string[] = [];
  const delimiter = `--${boundary}`;
  const lines = body.split(/\r?\n/);
  let current: string[] | undefined;
  for (const line of lines) {
    if (line.startsWith(delimiter)) {
      if (current !== undefined) parts.push(current.join('\r\n'));
      if (line.startsWith(`${delimiter}--`)) return parts;
      current = [];
    } else if (current !== undefined) {
      current.push(line);
    }
  }
  if (current !== undefined) parts.push(current.join('\r\n'));
  return parts;
}

/** `type/sub; a=b; c="d"` → value and lower-case-named params (RFC 2231 `name*=` continuations not handled). */
function parseHeaderValue(header: string): { value: string; params: Record<string, string> } {
  const [value = '', ...rest] = header.split(';');
  const params: Record<string, string> = {};
  for (const item of rest) {
    const eq = item.indexOf('=');
    if (eq <= 0) continue;
    params[item.slice(0, eq).trim().toLowerCase()] = item
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
  }
  return { value: value.trim(), params };
}

function decodeTransfer(encoded: string, encoding: string): Buffer {
  const body = encoded.replace(/\r?\n$/, '');
  switch (encoding.trim().toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64');
    case 'quoted-printable':
      return qpBytes(body.replace(/=\r?\n/g, ''));
    default:
      return Buffer.from(body, 'utf8');
  }
}

function qpBytes(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i], 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

function decodeCharset(bytes: Buffer, charset = 'utf-8'): string {
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

/** RFC 2047 encoded words (`=?utf-8?B?...?=`, `=?utf-8?Q?...?=`). */
function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_all, charset: string, kind: string, text: string) =>
      decodeCharset(
        kind.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : qpBytes(text.replace(/_/g, ' ')),
        charset.split('*')[0],
      ),
    );
}
