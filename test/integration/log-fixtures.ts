// Helpers of the log viewer tests: read a server-sent event stream as the browser's EventSource would.
import type { HttpClient } from '../support/http-client.js';

export interface ApiLine {
  seq: number;
  stream: 'stdout' | 'stderr';
  time: string;
  line: string;
}

export interface ReceivedEvent {
  event: string;
  id?: string;
  data: unknown;
  /** When it arrived (epoch ms). */
  at: number;
}

/** The session cookie of a logged-in test client (EventSource sends it the same way). */
function cookieHeader(client: HttpClient): string {
  const cookies = (client as unknown as { cookies: Map<string, string> }).cookies;
  return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
}

function parseEvent(block: string): ReceivedEvent | null {
  const event: ReceivedEvent = { event: 'message', data: null, at: Date.now() };
  let data = '';
  for (const line of block.split('\n')) {
    if (line.startsWith(':') || line === '') continue;
    const [field, ...rest] = line.split(': ');
    const value = rest.join(': ');
    if (field === 'event') event.event = value;
    else if (field === 'id') event.id = value;
    else if (field === 'data') data += value;
  }
  if (data === '') return null;
  event.data = JSON.parse(data);
  return event;
}

/** Reads events until the server ends the stream or `timeoutMs` passes (then aborts and fails). */
export async function readEvents(
  baseUrl: string,
  client: HttpClient,
  path: string,
  timeoutMs: number,
): Promise<ReceivedEvent[]> {
  const response = await fetch(baseUrl + path, {
    headers: { cookie: cookieHeader(client), accept: 'text/event-stream' },
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (response.status !== 200) throw new Error(`stream answered ${response.status}: ${await response.text()}`);
  const events: ReceivedEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body!) {
    buffer += decoder.decode(chunk, { stream: true });
    let index = buffer.indexOf('\n\n');
    while (index >= 0) {
      const event = parseEvent(buffer.slice(0, index));
      if (event) events.push(event);
      buffer = buffer.slice(index + 2);
      index = buffer.indexOf('\n\n');
    }
  }
  return events;
}
