import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MongoClient } from 'mongodb';
import { DataSource } from 'typeorm';
import { SecretBox } from '../../src/infra/crypto/secret-box.js';
import { LogStore, type JobLogLine } from '../../src/modules/execution/logs/log-store.js';
import { LOG_COLLECTION, MongoLogStore } from '../../src/modules/execution/logs/mongo-log-store.js';
import { RunLogKeys } from '../../src/modules/execution/logs/run-log-keys.js';
import type { TestExecNode } from '../support/exec-node.js';
import type { HttpClient } from '../support/http-client.js';
import { startTestPortal, testDatabase, type TestPortal } from '../support/portal.js';
import { createTestMongoDatabase, mongoUrl, type TestMongoDatabase } from '../support/services.js';
import { byJob, Definitions, ended, execution, runDispatch, startHostNodes, waitFor } from './engine-fixtures.js';
import { readEvents, type ApiLine } from './log-fixtures.js';

const ROWS = 1200;
/** What the first job prints, in order (stream, text). */
const PRINTED: [JobLogLine['stream'], string][] = [
  ['stdout', 'line one'],
  ['stdout', '<script>alert(1)</script>'],
  ['stdout', '<b>x</b>'],
  ['stdout', '50% done'],
  ['stderr', 'disk almost full'],
  ...Array.from({ length: ROWS }, (_, i): [JobLogLine['stream'], string] => ['stdout', `row ${i}`]),
  ['stdout', 'Traceback: boom'],
];
const SCRIPT = [
  "echo 'line one'",
  "echo '<script>alert(1)</script>'",
  "echo '<b>x</b>'",
  "echo '50% done'",
  "echo 'disk almost full' >&2",
  // stderr first, so the rows cannot overtake it in the node's reading order
  'sleep 0.3',
  `i=0; while [ $i -lt ${ROWS} ]; do echo "row $i"; i=$((i+1)); done`,
  "echo 'Traceback: boom'",
].join('\n');

for (const store of ['sql', 'mongo'] as const) {
  describe(`job log viewer (${testDatabase()}, ${store} store)`, () => {
    let portal: TestPortal;
    let nodes: TestExecNode[] = [];
    let defs: Definitions;
    let admin: HttpClient;
    let mongo: TestMongoDatabase | undefined;
    let runId: number;
    let fatalRunId: number;

    before(async () => {
      const env: Record<string, string> = {};
      if (store === 'mongo') {
        mongo = await createTestMongoDatabase('mc_logs');
        Object.assign(env, { SC__MONGO__ENABLED: 'true', SC__MONGO__URL: mongoUrl(), SC__MONGO__DATABASE: mongo.name });
      }
      portal = await startTestPortal({ env });
      defs = new Definitions(portal.app.get(DataSource), portal.app.get(SecretBox));
      admin = await portal.admin();
      nodes = (await startHostNodes(defs, portal.url, ['log-node'])).map((item) => item.node);
      const iface = await defs.interface('logs');
      await defs.job(iface, 'printer', SCRIPT);
      await defs.job(iface, 'fatal', "echo 'starting'; echo 'all good'; echo 'FATAL: no input'; exit 2");
      const info = await ended(
        admin,
        await runDispatch(admin, await defs.dispatch(iface, false), { dataDate: '2026-04-01' }),
      );
      runId = byJob(info).get('printer')!.id;
      fatalRunId = byJob(info).get('fatal')!.id;
    });

    after(async () => {
      await Promise.all(nodes.map((node) => node.close()));
      await portal?.close();
      await mongo?.drop();
    });

    const get = async <T>(path: string) => {
      const response = await admin.api('GET', path);
      assert.equal(response.status, 200, response.text);
      return response.json<T>();
    };

    it('reads every line back in order with its stream, page by page in both directions', async () => {
      const first = await get<{ data: ApiLine[] }>(`/api/runs/${runId}/log?limit=5`);
      assert.deepEqual(
        first.data.map((line) => [line.stream, line.line]),
        PRINTED.slice(0, 5),
      );
      const tail = await get<{ data: ApiLine[]; lastSeq: number }>(`/api/runs/${runId}/log/before?limit=3`);
      assert.deepEqual(
        tail.data.map((line) => line.line),
        ['row 1198', 'row 1199', 'Traceback: boom'],
      );
      assert.equal(tail.lastSeq, tail.data[2].seq);
      // seq is the node's numbering, shared with its run events: consecutive for lines, not from 1.
      const offset = first.data[0].seq - 1;
      assert.equal(tail.lastSeq, PRINTED.length + offset);
      const middle = await get<{ data: ApiLine[] }>(`/api/runs/${runId}/log/before?beforeSeq=${100 + offset}&limit=4`);
      assert.deepEqual(
        middle.data.map((line) => line.seq - offset),
        [96, 97, 98, 99],
      );
      assert.deepEqual(
        middle.data.map((line) => line.line),
        PRINTED.slice(95, 99).map(([, text]) => text),
      );
    });

    it('searches the whole log case-insensitively, literally, and says when results were cut', async () => {
      const one = await get<{ data: ApiLine[]; more: boolean }>(`/api/runs/${runId}/log/search?q=ROW%201199`);
      assert.deepEqual(
        one.data.map((line) => line.line),
        ['row 1199'],
      );
      assert.equal(one.more, false);
      const literal = await get<{ data: ApiLine[] }>(`/api/runs/${runId}/log/search?q=${encodeURIComponent('0%')}`);
      assert.deepEqual(
        literal.data.map((line) => line.line),
        ['50% done'],
      );
      const many = await get<{ data: ApiLine[]; more: boolean }>(`/api/runs/${runId}/log/search?q=row%201`);
      assert.equal(many.data.length, 200);
      assert.equal(many.more, true);
      assert.deepEqual(
        many.data.slice(0, 3).map((line) => line.line),
        ['row 1', 'row 10', 'row 11'],
      );
      const bad = await admin.api('GET', `/api/runs/${runId}/log/search?q=`);
      assert.equal(bad.status, 400);
      assert.match(bad.text, /"q"/);
    });

    it('finds the first error: the first stderr line, or an earlier line matching an error pattern', async () => {
      const printed = await get<{ data: ApiLine[] }>(`/api/runs/${runId}/log?limit=5`);
      const stderr = await get<{ data: ApiLine }>(`/api/runs/${runId}/log/first-error`);
      assert.deepEqual(stderr.data, printed.data[4]);
      assert.deepEqual([stderr.data.line, stderr.data.stream], ['disk almost full', 'stderr']);
      const fatalLines = await get<{ data: ApiLine[] }>(`/api/runs/${fatalRunId}/log`);
      const fatal = await get<{ data: ApiLine }>(`/api/runs/${fatalRunId}/log/first-error`);
      assert.deepEqual(fatal.data, fatalLines.data[2]);
      assert.equal(fatal.data.line, 'FATAL: no input');
    });

    it('downloads the whole attempt as a text attachment', async () => {
      const response = await admin.api('GET', `/api/runs/${runId}/log/download`);
      assert.equal(response.status, 200);
      assert.match(
        response.headers.get('content-disposition') ?? '',
        /^attachment; filename="run-\d+-attempt-1\.log"$/,
      );
      assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
      assert.equal(response.text, PRINTED.map(([, text]) => `${text}\n`).join(''));
    });

    it('renders the page with the run header, and job output only as escaped data', async () => {
      const info = await execution(
        admin,
        (await get<{ data: { executionId: number } }>(`/api/runs/${runId}`)).data.executionId,
      );
      const response = await admin.get(`/runs/${runId}/log`);
      assert.equal(response.status, 200);
      assert.ok(response.text.includes(`href="/executions/${info.execution.id}"`));
      assert.ok(response.text.includes('log-node'), 'host shown');
      assert.ok(!response.text.includes('<script>alert(1)</script>'), 'job output must not reach the HTML as markup');
      assert.ok(!response.text.includes('<b>x</b>'));
      const json = /<script type="application\/json" id="log-page">([^<]*)<\/script>/.exec(response.text);
      assert.ok(json, 'page data block');
      const page = JSON.parse(json[1]) as { lines: ApiLine[]; live: boolean; lastSeq: number };
      assert.equal(page.live, false);
      assert.equal(page.lastSeq, page.lines[page.lines.length - 1].seq);
      assert.equal(page.lines[page.lines.length - 1].line, 'Traceback: boom');
      assert.equal(page.lines.length, 500);
      const all = await get<{ data: ApiLine[] }>(`/api/runs/${runId}/log?limit=3`);
      assert.equal(all.data[1].line, '<script>alert(1)</script>', 'the API returns the text as printed');
    });

    it('tails a running job over server-sent events and ends once it finished', async () => {
      const iface = await defs.interface('tail');
      await defs.job(iface, 'slow', "echo 'first'; sleep 2; echo 'second' >&2; sleep 1; echo 'third'");
      const executionId = await runDispatch(admin, await defs.dispatch(iface, false), { dataDate: '2026-04-02' });
      const slow = await waitFor('the run to start', 15_000, async () => {
        const run = (await execution(admin, executionId)).runs[0];
        return run?.state === 'running' ? run : null;
      });
      const events = await readEvents(portal.url, admin, `/api/runs/${slow.id}/log/stream?afterSeq=0`, 20_000);
      const lines = events.filter((event) => event.event === 'lines');
      const texts = lines.flatMap((event) => (event.data as ApiLine[]).map((line) => `${line.stream}:${line.line}`));
      assert.deepEqual(texts, ['stdout:first', 'stderr:second', 'stdout:third']);
      assert.equal(events[events.length - 1].event, 'end');
      const finished = (await execution(admin, executionId)).runs[0];
      const secondArrived = lines.find((event) => (event.data as ApiLine[]).some((line) => line.line === 'second'))!;
      assert.ok(secondArrived.at < Date.parse(finished.finishedAt!), 'second arrived while the job still ran');
      const printed = Date.parse((secondArrived.data as ApiLine[])[0].time);
      const lag = secondArrived.at - printed;
      console.log(`bench: log tail lag (${store}) = ${lag} ms`);
      assert.ok(lag < 1000, `line shown ${lag} ms after it was printed`);
    });

    it('ends a tail of a finished attempt at once, and refuses it without a session', async () => {
      const last = await get<{ lastSeq: number }>(`/api/runs/${runId}/log/before?limit=1`);
      const events = await readEvents(
        portal.url,
        admin,
        `/api/runs/${runId}/log/stream?afterSeq=${last.lastSeq}`,
        5000,
      );
      assert.deepEqual(
        events.map((event) => event.event),
        ['end'],
      );
      const anonymous = await portal.client().get(`/api/runs/${runId}/log/stream`);
      assert.equal(anonymous.status, 401);
    });

    it('keeps the first copy of a repeated line and still stores the new lines of the same batch', async () => {
      const logs = portal.app.get(LogStore);
      const line = (seq: number, text: string): JobLogLine => ({
        runId: fatalRunId,
        attempt: 1,
        seq,
        stream: 'stdout',
        time: new Date(),
        line: text,
      });
      const stored = (await get<{ data: ApiLine[] }>(`/api/runs/${fatalRunId}/log`)).data.map((item) => item.seq);
      await logs.append([line(stored[0], 'repeat'), line(100, 'new'), line(stored[1], 'repeat'), line(101, 'newer')]);
      const lines = await get<{ data: ApiLine[] }>(`/api/runs/${fatalRunId}/log?limit=100`);
      assert.deepEqual(
        lines.data.map((item) => item.line),
        ['starting', 'all good', 'FATAL: no input', 'new', 'newer'],
      );
      assert.deepEqual(
        lines.data.map((item) => item.seq),
        [...stored, 100, 101],
      );
    });

    it('deletes lines past retention in its sweep and keeps the others', async () => {
      const logs = portal.app.get(LogStore);
      const iface = await defs.interface('old');
      await defs.job(iface, 'old', "echo 'recent'");
      const info = await ended(
        admin,
        await runDispatch(admin, await defs.dispatch(iface, false), { dataDate: '2026-04-03' }),
      );
      const oldRun = info.runs[0].id;
      const longAgo = new Date(Date.now() - 40 * 86_400_000);
      await logs.append(
        Array.from({ length: 30 }, (_, i) => ({
          runId: oldRun,
          attempt: 1,
          seq: 100 + i,
          stream: 'stdout' as const,
          time: longAgo,
          line: `old ${i}`,
        })),
      );
      assert.equal((await get<{ data: ApiLine[] }>(`/api/runs/${oldRun}/log?limit=100`)).data.length, 31);
      const deleted = await logs.sweepExpired(new Date());
      const left = await get<{ data: ApiLine[] }>(`/api/runs/${oldRun}/log?limit=100`);
      const ttl = store === 'mongo' ? await ttlIndexWorks(mongo!) : false;
      if (ttl) {
        assert.equal(deleted, 0, 'the server deletes expired documents itself');
        return;
      }
      assert.equal(deleted, 30);
      assert.deepEqual(
        left.data.map((line) => line.line),
        ['recent'],
      );
    });

    if (store === 'mongo') {
      it('warns once at start when the server is FerretDB v1, whose reads scan the whole collection', async () => {
        const client = await MongoClient.connect(mongoUrl());
        try {
          const info = await client.db('admin').command({ buildInfo: 1 });
          const ferretV1 = typeof info.ferretdbVersion === 'string' && info.ferretdbVersion.startsWith('v1.');
          const warnings: string[] = [];
          const logs = new MongoLogStore(() => Promise.resolve(client.db(mongo!.name)), portal.app.get(RunLogKeys), {
            retentionDays: 30,
            warn: (message) => warnings.push(message),
          });
          await logs.prepare();
          const scanWarnings = warnings.filter((message) => /scans the whole collection/.test(message));
          assert.equal(scanWarnings.length, ferretV1 ? 1 : 0, warnings.join('\n'));
          if (ferretV1)
            assert.match(scanWarnings[0], /FerretDB v1\.\d+\.\d+ .*use MongoDB, FerretDB v2 or the SQL log store/);
        } finally {
          await client.close();
        }
      });

      it('stores documents with exactly the fluentd record shape and the documented indexes', async () => {
        const client = await MongoClient.connect(mongoUrl());
        try {
          const collection = client.db(mongo!.name).collection(LOG_COLLECTION);
          const document = await collection.findOne({ attempt: 1, line: 'line one' });
          assert.ok(document);
          const { _id, ...fields } = document;
          assert.ok(_id);
          assert.deepEqual(Object.keys(fields).sort(), [
            'attempt',
            'executionId',
            'expireAt',
            'jobId',
            'line',
            'node',
            'runId',
            'seq',
            'stream',
            'time',
          ]);
          assert.match(String(fields.runId), /^jr-[0-9a-f]{24}$/, 'the exec node run id, as fluentd records carry it');
          assert.equal(typeof fields.executionId, 'string');
          assert.equal(typeof fields.jobId, 'string');
          assert.equal(fields.node, 'log-node');
          assert.ok(fields.time instanceof Date);
          assert.ok(fields.expireAt instanceof Date);
          assert.equal(fields.expireAt.getTime() - fields.time.getTime(), 30 * 86_400_000);
          const names = (await collection.indexes()).map((index) => index.name);
          assert.ok(names.includes('uq_job_logs_run_seq') && names.includes('ix_job_logs_execution'), names.join());
        } finally {
          await client.close();
        }
      });
    }
  });
}

async function ttlIndexWorks(database: TestMongoDatabase): Promise<boolean> {
  const client = await MongoClient.connect(mongoUrl());
  try {
    const indexes = await client.db(database.name).collection(LOG_COLLECTION).indexes();
    return indexes.some((index) => index.expireAfterSeconds === 0);
  } finally {
    await client.close();
  }
}
