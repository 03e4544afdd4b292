import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root (where package.json, views/ and public/ live), found from this compiled file. */
function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'views'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the Meshcron root above ${start}`);
    dir = parent;
  }
  return dir;
}

export const PROJECT_ROOT = findRoot(import.meta.dirname);
export const VIEWS_DIR = join(PROJECT_ROOT, 'views');
export const PUBLIC_DIR = join(PROJECT_ROOT, 'public');
