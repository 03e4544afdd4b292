import { renderBodyTemplate, type AlertValues } from './body-template.js';

export const WEBHOOK_METHODS = ['POST', 'PUT'] as const;
export type WebhookMethod = (typeof WEBHOOK_METHODS)[number];

/** A generic webhook (chat robots, incident tools); headers include the decrypted secret ones. */
export interface WebhookTarget {
  url: string;
  method: WebhookMethod;
  bodyTemplate: string;
  headers: Record<string, string>;
}

export interface WebhookResult {
  status: number;
  /** The start of the answer, for the operator (never logged with secrets). */
  answer: string;
}

export class WebhookError extends Error {}

/** Renders the body and sends it; any answer other than 2xx, a timeout or a network error throws. */
export async function sendWebhook(
  target: WebhookTarget,
  values: AlertValues,
  timeoutMs = 10_000,
): Promise<WebhookResult> {
  const body = renderBodyTemplate(target.bodyTemplate, values);
  let response: Response;
  let answer: string;
  try {
    response = await fetch(target.url, {
      method: target.method,
      headers: { 'user-agent': 'Meshcron', ...target.headers, 'content-type': 'application/json; charset=utf-8' },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    answer = (await response.text()).slice(0, 500);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'TimeoutError') {
      throw new WebhookError(`the webhook did not answer within ${timeoutMs} ms`);
    }
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new WebhookError(`cannot reach the webhook (${cause?.code ?? cause?.message ?? String(error)})`);
  }
  if (response.status < 200 || response.status >= 300) {
    throw new WebhookError(`the webhook answered HTTP ${response.status}: ${answer.slice(0, 200)}`);
  }
  return { status: response.status, answer };
}
