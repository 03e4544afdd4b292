/**
 * `npm run bench -- [group ...]`: runs benchmark groups (all when none is named). Each prints
 * `bench: <name> = <value> <unit>` lines, ratios measured against a baseline in the same run.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

function runScript(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path], { stdio: 'inherit', cwd: ROOT });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${path} exited with ${code}`))));
  });
}

/** The exec and engine groups run the exec node from exec-node/dist: build it when it is not there. */
function buildExecNode(): Promise<void> {
  if (existsSync(join(ROOT, 'exec-node', 'dist', 'bench', 'exec.js'))) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['--prefix', 'exec-node', 'run', 'build'], { stdio: 'inherit', cwd: ROOT });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exec-node build exited with ${code}`))));
  });
}

const GROUPS: Record<string, () => Promise<void>> = {
  exec: async () => {
    await buildExecNode();
    await runScript(join(ROOT, 'exec-node', 'dist', 'bench', 'exec.js'));
  },
  definitions: async () => (await import('./definitions.js')).runDefinitionsBench(),
  topology: async () => (await import('./topology.js')).runTopologyBench(),
  observe: async () => {
    await buildExecNode();
    await (await import('./observe.js')).runObserveBench();
  },
  engine: async () => {
    await buildExecNode();
    await runScript(join(import.meta.dirname, 'engine.js'));
    await (await import('./engine-fire.js')).runEngineFireBench();
  },
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !(name in GROUPS));
  if (unknown.length > 0) {
    console.error(`unknown benchmark group(s): ${unknown.join(', ')}; known: ${Object.keys(GROUPS).join(', ')}`);
    process.exit(2);
  }
  for (const name of wanted.length > 0 ? wanted : Object.keys(GROUPS)) {
    console.log(`# bench group ${name}`);
    await GROUPS[name]();
  }
  // Test helpers used by benchmarks may leave pools open; the numbers are printed, so end here.
  process.exit(0);
}

await main();
