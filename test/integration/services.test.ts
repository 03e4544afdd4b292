// Self-test of the services started by scripts/services.sh and of test/support/services.ts.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { MongoClient, MongoServerError } from 'mongodb';
import mysql from 'mysql2/promise';
import nodemailer from 'nodemailer';
import {
  chromiumPath,
  createTestMongoDatabase,
  createTestMysqlDatabase,
  freePort,
  mysqlConfig,
  redisConfig,
  redisKeyPrefix,
  startSmtpSink,
} from '../support/services.js';

describe('test services', () => {
  it('MariaDB: a fresh utf8mb4 database per test, dropped afterwards', async () => {
    const database = await createTestMysqlDatabase('svc_selftest');
    const other = await createTestMysqlDatabase('svc_selftest');
    assert.notEqual(database.name, other.name);
    await other.drop();
    const connection = await mysql.createConnection(database.config);
    try {
      await connection.query('CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, label VARCHAR(50) NOT NULL)');
      await connection.query('INSERT INTO t (label) VALUES (?), (?)', ['plain', 'emoji 🚀']);
      const [rows] = await connection.query<mysql.RowDataPacket[]>('SELECT label FROM t ORDER BY id');
      assert.deepEqual(
        rows.map((row) => row.label as string),
        ['plain', 'emoji 🚀'],
      );
      const [vars] = await connection.query<mysql.RowDataPacket[]>(
        'SELECT @@character_set_database AS cs, @@collation_database AS co, @@max_connections AS mc, VERSION() AS v',
      );
      assert.equal(vars[0].cs, 'utf8mb4');
      assert.equal(vars[0].co, 'utf8mb4_unicode_ci');
      assert.equal(Number(vars[0].mc), 500);
      assert.match(String(vars[0].v), /MariaDB/);
    } finally {
      await connection.end();
    }
    await database.drop();
    await database.drop(); // idempotent
    const admin = await mysql.createConnection(mysqlConfig());
    try {
      const [left] = await admin.query<mysql.RowDataPacket[]>('SHOW DATABASES LIKE ?', [`${database.name}%`]);
      assert.equal(left.length, 0);
    } finally {
      await admin.end();
    }
  });

  it('FerretDB: insert and find; TTL indexes are answered with NotImplemented (238)', async (t) => {
    const database = await createTestMongoDatabase('svc_selftest');
    const client = await MongoClient.connect(database.url, { serverSelectionTimeoutMS: 5000 });
    try {
      const db = client.db();
      assert.equal(db.databaseName, database.name);
      const collection = db.collection<{ name: string; n: number; createdAt: Date }>('items');
      await collection.insertMany([
        { name: 'a', n: 1, createdAt: new Date() },
        { name: 'b', n: 2, createdAt: new Date() },
      ]);
      const found = await collection.find({ n: { $gte: 2 } }, { projection: { _id: 0, name: 1 } }).toArray();
      assert.deepEqual(found, [{ name: 'b' }]);

      const build = await db.admin().command({ buildInfo: 1 });
      assert.equal(build.ferretdbVersion, 'v1.24.2');

      const ttl = await collection.createIndex({ createdAt: 1 }, { expireAfterSeconds: 0 }).then(
        () => undefined,
        (error: unknown) => error,
      );
      assert.ok(ttl instanceof MongoServerError, 'FerretDB v1 is expected to refuse TTL indexes');
      t.diagnostic(`TTL index error: code ${ttl.code} ${ttl.codeName}: ${ttl.message}`);
      assert.equal(ttl.code, 238);
      assert.equal(ttl.codeName, 'NotImplemented');
      assert.equal(ttl.message, 'Index option "expireAfterSeconds" is not implemented yet');
      // A plain index on the same field works.
      assert.equal(await collection.createIndex({ createdAt: 1 }), 'createdAt_1');
    } finally {
      await client.close();
    }
    await database.drop();
    await database.drop(); // idempotent
  });

  it('Redis: PING with the password; refused without it', async () => {
    const config = redisConfig();
    const redis = new Redis({ ...config, lazyConnect: true, maxRetriesPerRequest: 1 });
    const anonymous = new Redis({
      host: config.host,
      port: config.port,
      lazyConnect: true,
      enableReadyCheck: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    anonymous.on('error', () => {});
    try {
      await redis.connect();
      assert.equal(await redis.ping(), 'PONG');
      const key = `${redisKeyPrefix('svc_selftest')}k`;
      await redis.set(key, 'v', 'EX', 60);
      assert.equal(await redis.get(key), 'v');
      await redis.del(key);
      await anonymous.connect();
      await assert.rejects(anonymous.ping(), /NOAUTH/);
    } finally {
      redis.disconnect();
      anonymous.disconnect();
    }
  });

  it('SMTP sink: receives a mail sent by nodemailer, with AUTH', async () => {
    const sink = await startSmtpSink({ user: 'mailer', password: 'secret' });
    try {
      const transport = nodemailer.createTransport({
        host: sink.host,
        port: sink.port,
        secure: false,
        ignoreTLS: true,
        auth: { user: 'mailer', pass: 'secret' },
      });
      await transport.sendMail({
        from: 'Meshcron <meshcron@example.test>',
        to: ['ops@example.test', 'Dev Team <dev@example.test>'],
        subject: 'Job « nightly » failed ✗',
        text: 'The job failed.\nSee the log: über-long line é',
        html: '<p>The job failed.</p>',
        attachments: [{ filename: 'run.log', content: 'line 1\nline 2\n' }],
      });
      const [message] = await sink.waitFor(1);
      assert.equal(message.from, 'meshcron@example.test');
      assert.deepEqual(message.to, ['ops@example.test', 'dev@example.test']);
      assert.equal(message.user, 'mailer');
      assert.equal(message.subject, 'Job « nightly » failed ✗');
      assert.equal(message.text, 'The job failed.\nSee the log: über-long line é');
      assert.equal(message.html, '<p>The job failed.</p>');
      assert.equal(message.headers['to'], 'ops@example.test, Dev Team <dev@example.test>');
      assert.equal(message.attachments.length, 1);
      assert.equal(message.attachments[0].filename, 'run.log');
      assert.equal(message.attachments[0].content.toString('utf8'), 'line 1\nline 2\n');

      const wrong = nodemailer.createTransport({
        host: sink.host,
        port: sink.port,
        secure: false,
        ignoreTLS: true,
        auth: { user: 'mailer', pass: 'wrong' },
      });
      await assert.rejects(wrong.sendMail({ from: 'a@example.test', to: 'b@example.test', text: 'x' }), /Invalid/);
      await assert.rejects(sink.waitFor(2, 200), /1 of 2 message/);
    } finally {
      await sink.close();
    }
  });

  it('Chromium is installed and freePort() gives a bindable port', async () => {
    const version = execFileSync(chromiumPath(), ['--version'], { encoding: 'utf8' });
    assert.match(version, /Chromium \d+/);
    const port = await freePort();
    assert.ok(port > 1024 && port < 65536);
  });
});
