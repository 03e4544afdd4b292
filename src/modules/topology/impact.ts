/**
 * What a failure blocks, by the rule the engine applies when a run fails (execution
 * failure-cascade): starting from the failed jobs,
 * 1. a job whose prerequisite is failed or blocked is blocked (job dependencies, any interface);
 * 2. an interface holding a failed or blocked job cannot succeed, and neither can any child
 *    interface of an interface that cannot succeed: every job of such a child waits for its parent
 *    interface (the interface gate), so all of them are blocked, and so on downstream.
 * Only what runs counts: disabled jobs and jobs of disabled interfaces are never run, the engine
 * ignores them as prerequisites and does not follow a disabled child interface, so they are
 * neither blocked nor passed through.
 */
export interface ImpactDefinitions {
  /** Job → its interface. */
  jobInterface: ReadonlyMap<number, number>;
  /** Jobs that run: enabled, in an enabled interface. */
  runnable: ReadonlySet<number>;
  enabledInterfaces: ReadonlySet<number>;
  /** Prerequisite job → the jobs that wait for it. */
  dependents: ReadonlyMap<number, readonly number[]>;
  /** Parent interface → child interfaces. */
  children: ReadonlyMap<number, readonly number[]>;
  /** Interface → its jobs. */
  jobsOf: ReadonlyMap<number, readonly number[]>;
}

export interface ImpactSet {
  /** Blocked jobs (the failed ones excluded). */
  jobs: Set<number>;
  /** Interfaces that cannot succeed, the failed jobs' own interfaces included. */
  interfaces: Set<number>;
  /** Interfaces blocked as a whole: they wait for a parent interface that cannot succeed. */
  gated: Set<number>;
}

/** Everything the failure of `failedJobs` blocks; `failedInterfaces` fail too (even without jobs). */
export function impactOf(
  definitions: ImpactDefinitions,
  failedJobs: readonly number[],
  failedInterfaces: readonly number[],
): ImpactSet {
  const failed = new Set(failedJobs);
  const result: ImpactSet = { jobs: new Set(), interfaces: new Set(), gated: new Set() };
  const pendingJobs: number[] = [...failed];
  const pendingInterfaces: number[] = [];
  const failInterface = (id: number | undefined) => {
    if (id === undefined || result.interfaces.has(id)) return;
    result.interfaces.add(id);
    pendingInterfaces.push(id);
  };
  const block = (job: number) => {
    if (failed.has(job) || result.jobs.has(job) || !definitions.runnable.has(job)) return;
    result.jobs.add(job);
    pendingJobs.push(job);
  };
  failedInterfaces.forEach(failInterface);
  while (pendingJobs.length > 0 || pendingInterfaces.length > 0) {
    const job = pendingJobs.pop();
    if (job !== undefined) {
      failInterface(definitions.jobInterface.get(job));
      for (const dependent of definitions.dependents.get(job) ?? []) block(dependent);
      continue;
    }
    const parent = pendingInterfaces.pop()!;
    for (const child of definitions.children.get(parent) ?? []) {
      if (!definitions.enabledInterfaces.has(child) || result.gated.has(child)) continue;
      result.gated.add(child);
      failInterface(child);
      for (const member of definitions.jobsOf.get(child) ?? []) block(member);
    }
  }
  return result;
}
