// A real exec node process for integration tests: `node exec-node/dist/src/main.js` on a free port
// with its own token, data directory and an empty superconf.json. Build it first with
// `npm --prefix exec-node run build` (scripts/test.sh does).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/common/paths.js';
import { freePort } from './services.js';

export const EXEC_NODE_MAIN = join(PROJECT_ROOT, 'exec-node', 'dist', 'src', 'main.js');

export interface ExecNodeOptions {
  /** Default: 48 random hex characters. */
  token?: string;
  /** Default: a free port; it stays the same across stop() / start(). */
  port?: number;
  /** Node name in events (SC__EXECNODE__NAME); default "test-node". */
  name?: string;
  /** More environment, e.g. SC__EXECNODE__PORTALURL, SC__EXECNODE__SLOTS. */
  env?: Record<string, string>;
  /** Milliseconds to wait for "listening on"; default 15000. */
  startTimeoutMs?: number;
}

/** One exec node; start() again after stop() or kill9() restarts it on the same port and journal. */
export class TestExecNode {
  readonly token: string;
  readonly dir: string;
  /** Everything the node printed, across restarts. */
  output = '';
  private child: ChildProcess | null = null;
  private exited: Promise<number | null> = Promise.resolve(null);

  private constructor(
    readonly port: number,
    private readonly options: ExecNodeOptions,
  ) {
    this.token = options.token ?? randomBytes(24).toString('hex');
    this.dir = mkdtempSync(join(tmpdir(), 'meshcron-exec-node-'));
    writeFileSync(join(this.dir, 'superconf.json'), '{}\n');
  }

  static async create(options: ExecNodeOptions = {}): Promise<TestExecNode> {
    if (!existsSync(EXEC_NODE_MAIN)) {
      throw new Error(`${EXEC_NODE_MAIN} is missing: run npm --prefix exec-node run build`);
    }
    return new TestExecNode(options.port ?? (await freePort()), options);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The running node's process id (null before start and after it exits). */
  get pid(): number | null {
    return this.running ? (this.child?.pid ?? null) : null;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Spawns the node and resolves once it listens; rejects with its output if it exits first. */
  async start(): Promise<void> {
    if (this.running) throw new Error('exec node already running');
    const child = spawn(process.execPath, [EXEC_NODE_MAIN], {
      cwd: this.dir,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: this.dir,
        SUPERCONF: join(this.dir, 'superconf.json'),
        EXEC_NODE_TOKEN: this.token,
        EXEC_NODE_PORT: String(this.port),
        SC__EXECNODE__DATADIR: join(this.dir, 'data'),
        SC__EXECNODE__NAME: this.options.name ?? 'test-node',
        ...this.options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const timeoutMs = this.options.startTimeoutMs ?? 15_000;
    const startedAt = this.output.length;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`exec node not listening after ${timeoutMs} ms: ${this.output.slice(startedAt)}`));
      }, timeoutMs);
      let listening = false;
      const onData = (chunk: Buffer) => {
        this.output += chunk.toString();
        // Only this start's output is searched, and only until it listens (a busy node logs every run).
        if (!listening && /listening on http:\/\//.test(this.output.slice(startedAt))) {
          listening = true;
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`exec node exited with ${code}: ${this.output.slice(startedAt)}`));
      });
    });
  }

  /** SIGTERM and wait: the node's clean shutdown. Resolves with its exit code. */
  async stop(): Promise<number | null> {
    if (this.running) this.child!.kill('SIGTERM');
    return this.exited;
  }

  /** SIGKILL and wait: a crash. */
  async kill9(): Promise<void> {
    if (this.running) this.child!.kill('SIGKILL');
    await this.exited;
  }

  /** Stops the node and removes its directory. */
  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A started exec node. */
export async function startExecNode(options: ExecNodeOptions = {}): Promise<TestExecNode> {
  const node = await TestExecNode.create(options);
  await node.start();
  return node;
}
