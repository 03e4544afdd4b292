import { placeholders, toNumber, toNumberOrNull, toText, type Sql } from './engine-db.js';

/** What a run is sent with from upstream: the nearest value per name, and every upstream job's values. */
export interface RunInputs {
  values: Record<string, string>;
  byJob: Record<string, Record<string, string>>;
  /** Upstream values left out because the inputs reached MAX_INPUT_BYTES. */
  dropped: number;
}

/** The environment a run's inputs may take (values and names), so a process always starts. */
export const MAX_INPUT_BYTES = 256 * 1024;

interface UpstreamRun {
  id: number;
  jobName: string;
  outputs: Record<string, string>;
  distance: number;
}

/** Reads a stored outputs/inputs column; anything unreadable counts as none. */
export function parseOutputs(text: unknown): Record<string, string> {
  try {
    const value = JSON.parse(toText(text, '{}')) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    return Object.fromEntries(
      Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
  } catch {
    return {};
  }
}

export function parseInputs(text: unknown): RunInputs {
  try {
    const value = JSON.parse(toText(text, '{}')) as Partial<RunInputs>;
    return { values: value.values ?? {}, byJob: value.byJob ?? {}, dropped: value.dropped ?? 0 };
  } catch {
    return { values: {}, byJob: {}, dropped: 0 };
  }
}

/** `MC_IN_` names: upper-cased, anything but A-Z, 0-9 and _ becomes _. */
export function envPart(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

/** The environment of the inputs: MC_IN_<NAME> (nearest upstream) and MC_IN_<JOB>_<NAME> (each upstream job). */
export function inputEnv(inputs: RunInputs): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [job, values] of Object.entries(inputs.byJob)) {
    for (const [name, value] of Object.entries(values)) env[`MC_IN_${envPart(job)}_${envPart(name)}`] = value;
  }
  for (const [name, value] of Object.entries(inputs.values)) env[`MC_IN_${envPart(name)}`] = value;
  return env;
}

/** An `input` param: `name` (nearest upstream) or `job.name`; throws when no upstream run printed it. */
export function resolveInput(reference: string, inputs: RunInputs): string {
  const dot = reference.indexOf('.');
  const value = dot < 0 ? inputs.values[reference] : inputs.byJob[reference.slice(0, dot)]?.[reference.slice(dot + 1)];
  if (value === undefined) throw new Error(`no upstream run has the output "${reference}"`);
  return value;
}

/** A stored inputs column saying that nothing upstream of its run printed an output. */
function storedEmpty(text: unknown): boolean {
  if (text === null || text === undefined) return false;
  const inputs = parseInputs(text);
  return inputs.dropped === 0 && Object.keys(inputs.byJob).length === 0;
}

interface UpstreamRow {
  id: number;
  jobName: string;
  outputs: Record<string, string>;
  /** Its stored inputs say nothing above it printed an output: the walk stops here. */
  endsWalk: boolean;
}

/** The dependency rows of runs, by run. */
async function dependencyRows(sql: Sql, runIds: readonly number[]): Promise<Map<number, Record<string, unknown>[]>> {
  const rows = await sql.rows<Record<string, unknown>>(
    `SELECT run_id, prerequisite_run_id, prerequisite_job_id, data_date FROM job_run_dependency WHERE run_id IN (${placeholders(runIds.length)})`,
    runIds,
  );
  const byRun = new Map<number, Record<string, unknown>[]>();
  for (const row of rows) {
    const runId = toNumber(row.run_id);
    const list = byRun.get(runId);
    if (list) list.push(row);
    else byRun.set(runId, [row]);
  }
  return byRun;
}

/** The prerequisite runs the rows name: inside the execution, or the newest succeeded run of an outside job. */
async function prerequisiteIds(sql: Sql, deps: readonly Record<string, unknown>[]): Promise<Set<number>> {
  const ids = new Set<number>();
  for (const dep of deps) {
    const prerequisite = toNumberOrNull(dep.prerequisite_run_id);
    if (prerequisite !== null) ids.add(prerequisite);
    else {
      const [outside] = await sql.rows<{ id: unknown }>(
        "SELECT id FROM job_run WHERE job_id = ? AND data_date = ? AND state = 'succeeded' ORDER BY finished_at DESC, id DESC LIMIT 1",
        [toNumber(dep.prerequisite_job_id), String(dep.data_date)],
      );
      if (outside) ids.add(toNumber(outside.id));
    }
  }
  return ids;
}

async function upstreamRows(sql: Sql, ids: readonly number[]): Promise<Map<number, UpstreamRow>> {
  if (ids.length === 0) return new Map();
  const rows = await sql.rows<Record<string, unknown>>(
    `SELECT id, job_name, outputs, inputs FROM job_run WHERE id IN (${placeholders(ids.length)})`,
    ids,
  );
  return new Map(
    rows.map((row) => [
      toNumber(row.id),
      {
        id: toNumber(row.id),
        jobName: String(row.job_name),
        outputs: parseOutputs(row.outputs),
        endsWalk: storedEmpty(row.inputs),
      },
    ]),
  );
}

/**
 * The upstream runs of a run, nearest first: prerequisites inside the execution, the succeeded run
 * of an outside prerequisite job for the same data date (the newest), and theirs in turn. The walk
 * does not go past a run whose stored inputs are empty: everything above it was collected when it
 * was claimed, after all of it had ended, and had no outputs. A long chain of jobs that print
 * nothing then costs one step per claim, not one per ancestor. `first` is the nearest level when
 * the caller has read it already (for several runs at once).
 */
async function upstream(
  sql: Sql,
  runId: number,
  first?: { ids: Set<number>; rows: Map<number, UpstreamRow> },
): Promise<UpstreamRun[]> {
  const found: UpstreamRun[] = [];
  const seen = new Set<number>([runId]);
  let frontier = [runId];
  for (let distance = 1; frontier.length > 0 && distance <= 1000; distance++) {
    const known = distance === 1 ? first : undefined;
    const ids = known?.ids ?? (await prerequisiteIds(sql, [...(await dependencyRows(sql, frontier)).values()].flat()));
    const fresh = [...ids].filter((id) => !seen.has(id));
    if (fresh.length === 0) break;
    fresh.forEach((id) => seen.add(id));
    const byId = known?.rows ?? (await upstreamRows(sql, fresh));
    const rows = fresh.flatMap((id) => byId.get(id) ?? []);
    const level = rows
      .map((row) => ({ id: row.id, jobName: row.jobName, outputs: row.outputs, distance }))
      .sort((a, b) => a.jobName.localeCompare(b.jobName) || a.id - b.id);
    found.push(...level);
    frontier = rows.filter((row) => !row.endsWalk).map((row) => row.id);
  }
  return found;
}

/** Collects the inputs: nearest upstream wins a name (same distance: job name order), within MAX_INPUT_BYTES. */
async function collectInputs(
  sql: Sql,
  runId: number,
  first?: { ids: Set<number>; rows: Map<number, UpstreamRow> },
): Promise<RunInputs> {
  const inputs: RunInputs = { values: {}, byJob: {}, dropped: 0 };
  let size = 0;
  for (const run of await upstream(sql, runId, first)) {
    for (const [name, value] of Object.entries(run.outputs)) {
      const cost = 2 * (Buffer.byteLength(value) + name.length + run.jobName.length + 16);
      if (size + cost > MAX_INPUT_BYTES) {
        inputs.dropped += 1;
        continue;
      }
      const ofJob = (inputs.byJob[run.jobName] ??= {});
      if (name in ofJob) continue;
      size += cost;
      ofJob[name] = value;
      if (!(name in inputs.values)) inputs.values[name] = value;
    }
  }
  return inputs;
}

/**
 * Stores the inputs of runs just claimed (their current attempt is sent with them). The nearest
 * level is read for all of them at once and the column written in one statement: a fan-out of a
 * thousand claims costs a few statements, not three per run.
 */
export async function storeInputs(sql: Sql, runIds: readonly number[]): Promise<void> {
  if (runIds.length === 0) return;
  const deps = await dependencyRows(sql, runIds);
  if (deps.size === 0) return;
  const ids = new Map<number, Set<number>>();
  for (const [runId, rows] of deps) ids.set(runId, await prerequisiteIds(sql, rows));
  const rows = await upstreamRows(sql, [...new Set([...ids.values()].flatMap((set) => [...set]))]);
  const stored: [number, string][] = [];
  for (const runId of deps.keys()) {
    const inputs = await collectInputs(sql, runId, { ids: ids.get(runId) ?? new Set(), rows });
    stored.push([runId, JSON.stringify(inputs)]);
  }
  for (let start = 0; start < stored.length; start += 500) {
    const part = stored.slice(start, start + 500);
    await sql.exec(
      `UPDATE job_run SET inputs = CASE id ${part.map(() => 'WHEN ? THEN ?').join(' ')} END ` +
        `WHERE id IN (${placeholders(part.length)})`,
      [...part.flat(), ...part.map(([runId]) => runId)],
    );
  }
}
