// Shared by the import/export tests: two portals (the one exported from and a fresh one imported
// into), each with the same exec host registered by name, and the API calls the tests make.
import assert from 'node:assert/strict';
import type { HttpClient } from '../support/http-client.js';
import { startTestPortal, type TestPortal } from '../support/portal.js';

/** A call that must succeed; its `data`. */
export async function ok<T>(client: HttpClient, method: string, path: string, body?: unknown): Promise<T> {
  const response = await client.api(method, path, body);
  assert.ok(response.status < 300, `${method} ${path}: ${response.status} ${response.text}`);
  return response.json<{ data: T }>().data;
}

/** The export file of the named interfaces (comma-separated). */
export async function exportInterfaces<T>(client: HttpClient, names: string): Promise<T> {
  const response = await client.get(`/api/transfer/export?interfaces=${encodeURIComponent(names)}`);
  assert.equal(response.status, 200, response.text);
  return response.json<T>();
}

/** An import (dry run or not, per `query`) with its status and body, whatever the outcome. */
export async function importDefinitions<R>(client: HttpClient, file: unknown, query: string) {
  const response = await client.api('POST', `/api/transfer/import?${query}`, file);
  return { status: response.status, body: response.json<{ data: R; details?: { fields?: object } }>() };
}

/** Two portals, each with exec host etl-01 (tag etl) and a signed-in admin. */
export class TransferPair {
  private constructor(
    readonly source: TestPortal,
    readonly target: TestPortal,
    readonly admin: HttpClient,
    readonly copy: HttpClient,
  ) {}

  static async start(): Promise<TransferPair> {
    const source = await startTestPortal();
    const target = await startTestPortal();
    const pair = new TransferPair(source, target, await source.admin(), await target.admin());
    for (const client of [pair.admin, pair.copy]) {
      await ok(client, 'POST', '/api/exec-hosts', {
        name: 'etl-01',
        address: 'http://10.0.0.1:7391',
        token: 'host-token-0123456789',
        tags: ['etl'],
      });
    }
    return pair;
  }

  async close(): Promise<void> {
    await this.source.close();
    await this.target.close();
  }
}
