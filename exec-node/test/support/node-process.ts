import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));

export interface RpcReply {
  status: number;
  body: unknown;
  text: string;
}

/** A real exec node process started from the compiled dist/src/main.js. */
export class NodeHandle {
  private exited: Promise<number | null>;
  private readonly agent = new Agent({ keepAlive: true });

  constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly token: string,
    readonly dir: string,
    private readonly output: { text: string },
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null) resolve(child.exitCode);
      else child.once('exit', (code) => resolve(code));
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid as number;
  }

  get log(): string {
    return this.output.text;
  }

  async post(
    body: string,
    headers: Record<string, string> = { authorization: `Bearer ${this.token}` },
  ): Promise<RpcReply> {
    const { status, text } = await httpPost(`${this.url}/rpc`, body, headers, this.agent);
    return { status, text, body: text === '' ? null : (JSON.parse(text) as unknown) };
  }

  /** Calls one method; returns the result or throws an Error carrying the JSON-RPC error code. */
  async call<T = Record<string, unknown>>(method: string, params?: unknown): Promise<T> {
    const reply = await this.post(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }));
    const body = reply.body as { result?: T; error?: { code: number; message: string } };
    if (body.error !== undefined) throw Object.assign(new Error(body.error.message), { code: body.error.code });
    return body.result as T;
  }

  async stop(): Promise<number | null> {
    this.agent.destroy();
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }

  async kill9(): Promise<void> {
    this.agent.destroy();
    this.child.kill('SIGKILL');
    await this.exited;
  }

  waitForExit(): Promise<number | null> {
    return this.exited;
  }
}

export interface StartOptions {
  dir?: string;
  token?: string;
  env?: Record<string, string>;
  superconf?: unknown;
  /** Extra node flags (e.g. --cpu-prof for profiling). */
  execArgv?: string[];
}

export function tempDir(prefix = 'meshcron-exec-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function newToken(): string {
  return randomBytes(24).toString('hex');
}

/** Minimal environment: nothing from the test runner leaks into the node. */
export function nodeEnv(dir: string, token: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    EXEC_NODE_TOKEN: token,
    EXEC_NODE_PORT: '0',
    SC__EXECNODE__DATADIR: join(dir, 'data'),
    SC__EXECNODE__KILLGRACEMS: '500',
    SC__EXECNODE__NAME: 'test-node',
    ...extra,
  };
}

export async function startNode(options: StartOptions = {}): Promise<NodeHandle> {
  const dir = options.dir ?? tempDir();
  const token = options.token ?? newToken();
  if (options.superconf !== undefined) writeFileSync(join(dir, 'superconf.json'), JSON.stringify(options.superconf));
  const child = spawn(process.execPath, [...(options.execArgv ?? []), MAIN], {
    cwd: dir,
    env: nodeEnv(dir, token, options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { text: '' };
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output.text += chunk.toString();
      const match = /listening on http:\/\/[^:]+:(\d+)/.exec(output.text);
      if (match !== null) resolve(Number(match[1]));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exec node exited with ${code}: ${output.text}`)));
  });
  return new NodeHandle(child, port, token, dir, output);
}

/** Runs the node expecting it to exit (bad configuration); returns exit code and output. */
export function runNodeToExit(
  dir: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [MAIN], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

/** POST with node:http (keep-alive): lighter than fetch, so the client does not compete with the node for CPU. */
export function httpPost(
  url: string,
  body: string,
  headers: Record<string, string>,
  agent?: Agent,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(body);
    const req = request(url, {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': payload.length, ...headers },
    });
    req.on('error', reject);
    req.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.end(payload);
  });
}
