import { bool, int, oneOf, secret, str, type Infer } from './schema.js';

const hostPattern = /^[A-Za-z0-9.:[\]-]+$/;
const port = (def: number, doc: string) => int(def, 1, 65535, doc);

/**
 * Every key of superconf.json the portal reads. The `execNode` section belongs to the exec node
 * (exec-node/), which validates it itself; the portal only passes it through.
 */
export const superconfSchema = {
  server: {
    host: str('127.0.0.1', 'Address the portal listens on.', hostPattern, 'a host name or IP address'),
    port: port(8080, 'HTTP port of the portal (env shortcut PORT).'),
    baseUrl: str(
      '',
      'Public URL of the portal, used in alert links and by exec nodes to call back; empty = http://host:port.',
      /^(https?:\/\/[^\s]+)?$/,
      'an http(s) URL',
    ),
    dataDir: str('./data', 'Where embedded data lives: SQLite file, generated secrets (env shortcut DATA_DIR).'),
    trustProxy: bool(false, 'Trust X-Forwarded-* headers (set when behind a load balancer).'),
  },
  database: {
    type: oneOf(
      ['sqlite', 'mysql', 'mariadb'] as const,
      'sqlite',
      'Storage for definitions, executions, users, audit (mariadb = MySQL protocol with MariaDB catalog rules).',
    ),
    sqliteFile: str('meshcron.sqlite', 'SQLite file name, relative to server.dataDir.'),
    host: str('127.0.0.1', 'MySQL host.', hostPattern, 'a host name or IP address'),
    port: port(3306, 'MySQL port.'),
    user: str('meshcron', 'MySQL user.'),
    password: secret('MySQL password.'),
    name: str('meshcron', 'MySQL database name.', /^[A-Za-z0-9_]+$/, 'letters, digits and underscores'),
    poolSize: int(10, 1, 500, 'MySQL connection pool size per portal instance.'),
    logging: bool(false, 'Log every SQL statement (debugging only).'),
  },
  mongo: {
    enabled: bool(false, 'Use MongoDB for job logs and (with lock.driver=mongo) the scheduler lock.'),
    url: str(
      'mongodb://127.0.0.1:27017/',
      'MongoDB connection URL without credentials.',
      /^mongodb(\+srv)?:\/\/[^@\s]+$/,
      'a mongodb:// URL without user:password@',
    ),
    database: str('meshcron', 'MongoDB database name.', /^[A-Za-z0-9_-]+$/, 'letters, digits, - and _'),
    username: str('', 'MongoDB user (empty = no authentication).'),
    password: secret('MongoDB password.'),
  },
  redis: {
    host: str('127.0.0.1', 'Redis host (used by lock.driver=redis).', hostPattern, 'a host name or IP address'),
    port: port(6379, 'Redis port.'),
    password: secret('Redis password.'),
    db: int(0, 0, 255, 'Redis database index.'),
    keyPrefix: str(
      'meshcron:',
      'Prefix of every Redis key the portal writes.',
      /^[A-Za-z0-9_.:-]{0,64}$/,
      'up to 64 of A-Z a-z 0-9 _ . : -',
    ),
  },
  lock: {
    driver: oneOf(
      ['local', 'mongo', 'redis'] as const,
      'local',
      'Scheduler lock: in-process, MongoDB lease, or redlock.',
    ),
    leaseMs: int(30000, 1000, 3600000, 'How long a lock lease lasts before it must be renewed.'),
  },
  log: {
    level: oneOf(['error', 'warn', 'log', 'debug', 'verbose'] as const, 'log', 'Portal log level.'),
    retentionDays: int(30, 1, 3650, 'Days job logs are kept.'),
    fluentdEnabled: bool(false, 'Exec nodes send job output to fluentd (which writes MongoDB job_logs).'),
    fluentdHost: str('127.0.0.1', 'fluentd host.', hostPattern, 'a host name or IP address'),
    fluentdPort: port(24224, 'fluentd Forward port.'),
    fluentdTag: str('meshcron', 'fluentd tag prefix.', /^[A-Za-z0-9_.-]+$/, 'letters, digits, ., -, _'),
  },
  mail: {
    enabled: bool(false, 'Send alert mails.'),
    host: str('127.0.0.1', 'SMTP host.', hostPattern, 'a host name or IP address'),
    port: port(25, 'SMTP port.'),
    tls: oneOf(['none', 'starttls', 'tls'] as const, 'starttls', 'SMTP transport security.'),
    user: str('', 'SMTP user (empty = no authentication).'),
    password: secret('SMTP password.'),
    from: str('meshcron@localhost', 'Sender address of alert mails.'),
  },
  schedule: {
    enabled: bool(true, 'Run the scheduler in this portal instance.'),
    concurrency: int(200, 1, 100000, 'Job runs the engine keeps in flight at once.'),
    maxRunningPerJob: int(1, 1, 1000, 'Running instances of one job at once.'),
    misfireGraceSeconds: int(300, 0, 604800, 'How late a missed fire may still be run after a restart.'),
    lateFactorPercent: int(
      150,
      100,
      100000,
      'A running job is late (one "late" alert) past this percent of its expected duration (150 = 1.5 ×).',
    ),
    lateMinSeconds: int(
      60,
      0,
      604800,
      'A running job is never late before this many seconds (short jobs page nobody).',
    ),
  },
  exec: {
    token: secret('Default shared token for exec nodes (each host may have its own).'),
    heartbeatSeconds: int(5, 1, 3600, 'Expected exec node heartbeat interval.'),
    offlineSeconds: int(30, 2, 86400, 'A node silent this long is offline and its runs are lost.'),
    localNode: bool(true, 'Start a local exec node with the portal (embedded default).'),
    localNodePort: port(7391, 'Port of the local exec node.'),
    localNodeSlots: int(4, 1, 10000, 'Slots of the local exec node.'),
  },
  auth: {
    sessionSecret: secret('Session signing secret; generated once under dataDir when not given.'),
    encryptionKey: secret(
      'Key (base64 of 32 bytes) that encrypts exec host tokens and channel passwords at rest; generated under dataDir when not given. Give every instance the same key.',
    ),
    sessionHours: int(12, 1, 8760, 'Session lifetime in hours.'),
    adminUser: str('admin', 'Bootstrap admin user created on first start.', /^[A-Za-z0-9_.@-]{1,64}$/, 'a user name'),
    adminPassword: secret(
      'Bootstrap admin password (env shortcut ADMIN_PASSWORD); generated and printed once when not given.',
    ),
    maxFailedLogins: int(5, 1, 100, 'Failed logins before the account is locked for lockoutMinutes.'),
    lockoutMinutes: int(15, 1, 1440, 'Lockout after too many failed logins.'),
  },
} as const;

export type SuperConf = Infer<typeof superconfSchema>;

/** Conventional env shortcuts (ARCHITECTURE.md) mapped to config paths. */
export const envShortcuts: Record<string, string> = {
  PORT: 'server.port',
  DATA_DIR: 'server.dataDir',
  ADMIN_PASSWORD: 'auth.adminPassword',
};

/** Sections owned by other processes; passed through unvalidated by the portal. */
export const foreignSections = ['execNode'];
