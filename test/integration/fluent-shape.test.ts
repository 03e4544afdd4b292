import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MongoClient } from 'mongodb';
import { DataSource } from 'typeorm';
import { SecretBox } from '../../src/infra/crypto/secret-box.js';
import { LOG_COLLECTION } from '../../src/modules/execution/logs/mongo-log-store.js';
import type { TestExecNode } from '../support/exec-node.js';
import { ForwardServer, type ForwardEvent } from '../support/forward-decoder.js';
import type { HttpClient } from '../support/http-client.js';
import { startTestPortal, testDatabase, type TestPortal } from '../support/portal.js';
import { createTestMongoDatabase, mongoUrl, type TestMongoDatabase } from '../support/services.js';
import { Definitions, ended, runDispatch, startHostNodes, waitFor } from './engine-fixtures.js';
import type { ApiLine } from './log-fixtures.js';

const RETENTION_DAYS = 7;
const DAY_MS = 86_400_000;

/**
 * What deploy/fluentd/fluent.conf does to a record before out_mongo inserts it: `time` becomes the
 * event time as a BSON Date (<inject> time_key), `expireAt` = event time + retention days as a
 * BSON Date (record_transformer + date_keys). Everything else is stored as received.
 */
function asFluentdStoresIt(event: ForwardEvent): Record<string, unknown> {
  const time = new Date(Math.round(event.time * 1000));
  return { ...event.record, time, expireAt: new Date(time.getTime() + RETENTION_DAYS * DAY_MS) };
}

describe(`fluentd record shape (${testDatabase()}, FerretDB job_logs)`, () => {
  let portal: TestPortal;
  let nodes: TestExecNode[] = [];
  let defs: Definitions;
  let admin: HttpClient;
  let mongo: TestMongoDatabase;
  let forward: ForwardServer;

  before(async () => {
    forward = await new ForwardServer().start();
    mongo = await createTestMongoDatabase('mc_fluent');
    portal = await startTestPortal({
      env: {
        SC__MONGO__ENABLED: 'true',
        SC__MONGO__URL: mongoUrl(),
        SC__MONGO__DATABASE: mongo.name,
        SC__LOG__FLUENTDENABLED: 'true',
        SC__LOG__RETENTIONDAYS: String(RETENTION_DAYS),
      },
    });
    defs = new Definitions(portal.app.get(DataSource), portal.app.get(SecretBox));
    admin = await portal.admin();
    const env = {
      SC__EXECNODE__FLUENT__ENABLED: 'true',
      SC__EXECNODE__FLUENT__HOST: '127.0.0.1',
      SC__EXECNODE__FLUENT__PORT: String(forward.port),
    };
    nodes = (await startHostNodes(defs, portal.url, ['fluent-node'], { env })).map((item) => item.node);
  });

  after(async () => {
    await Promise.all(nodes.map((node) => node.close()));
    await portal?.close();
    await forward?.stop();
    await mongo?.drop();
  });

  it('reads lines that fluentd stored from an exec node exactly as the job printed them', async () => {
    const iface = await defs.interface('fluent');
    const script = "echo 'out one'; echo 'err one' >&2; sleep 0.2; echo '<script>alert(1)</script>'; echo 'out two'";
    await defs.job(iface, 'shaped', script);
    const info = await ended(
      admin,
      await runDispatch(admin, await defs.dispatch(iface, false), { dataDate: '2026-05-01' }),
    );
    const run = info.runs[0];
    assert.equal(run.state, 'succeeded');
    const events = await waitFor('4 forwarded records', 10_000, () =>
      Promise.resolve(forward.events.length >= 4 ? forward.events : null),
    );
    assert.equal(events.length, 4);
    assert.ok(events.every((event) => event.tag === 'meshcron.log'));

    // Nothing reached the portal's store by RPC: the node sent its lines to fluentd only.
    const before = await admin.api('GET', `/api/runs/${run.id}/log`);
    assert.deepEqual(before.json<{ data: ApiLine[] }>().data, []);

    const client = await MongoClient.connect(mongoUrl());
    try {
      await client.db(mongo.name).collection(LOG_COLLECTION).insertMany(events.map(asFluentdStoresIt));
    } finally {
      await client.close();
    }

    const response = await admin.api('GET', `/api/runs/${run.id}/log`);
    assert.equal(response.status, 200, response.text);
    const lines = response.json<{ data: ApiLine[] }>().data;
    const sorted = [...events].sort((a, b) => Number(a.record.seq) - Number(b.record.seq));
    assert.deepEqual(
      lines.map((line) => [line.seq, line.stream, line.line, Date.parse(line.time)]),
      sorted.map((event) => [
        event.record.seq,
        event.record.stream,
        event.record.line,
        Date.parse(String(event.record.time)),
      ]),
    );
    assert.deepEqual(
      lines.map((line) => `${line.stream}:${line.line}`),
      ['stdout:out one', 'stderr:err one', 'stdout:<script>alert(1)</script>', 'stdout:out two'],
    );
    const firstError = await admin.api('GET', `/api/runs/${run.id}/log/first-error`);
    assert.equal(firstError.json<{ data: ApiLine }>().data.line, 'err one');
    const download = await admin.api('GET', `/api/runs/${run.id}/log/download`);
    assert.equal(download.text, 'out one\nerr one\n<script>alert(1)</script>\nout two\n');
  });
});
