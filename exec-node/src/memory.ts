import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type GcFunction = (options?: { type?: 'minor' | 'major' }) => void;

let gc: GcFunction | null | undefined;

/**
 * Output read past a run's log cap arrives as 64 KiB buffers that are dropped at once. V8 frees their
 * memory only when its external-memory limit (tens of MB) forces a collection, so a flooding job would
 * raise the node's RSS by ~40 MB. A young-generation collection every few MB of discarded output keeps
 * it flat; it takes well under a millisecond.
 */
export function collectYoungGeneration(): void {
  if (gc === undefined) gc = loadGc();
  gc?.({ type: 'minor' });
}

function loadGc(): GcFunction | null {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as GcFunction;
  } catch {
    return null;
  }
}
