import type { RunView } from '../execution/execution-query.service.js';
import { isAdmin, type AccessService, type AccessUser } from './access.service.js';

export const hiddenInterfaceLabel = (id: number): string => `hidden interface #${id}`;
export const hiddenJobLabel = (id: number): string => `hidden job #${id}`;

/** What an execution's detail carries per interface and per run. */
interface DetailShape<R extends Pick<RunView, 'interfaceId'>> {
  interfaces: { interfaceId: number; interfaceName: string }[];
  runs: R[];
}

/**
 * A run of an interface the caller may not see keeps its id, state and times (the graph still shows
 * where the execution stands) but loses every name, command output, error, host and log line.
 */
export function maskRun<R extends RunView | Omit<RunView, 'tail'>>(run: R): R {
  return {
    ...run,
    interfaceName: hiddenInterfaceLabel(run.interfaceId),
    jobName: hiddenJobLabel(run.jobId),
    hostId: null,
    hostName: null,
    pid: null,
    signal: null,
    error: null,
    outputs: {},
    inputs: null,
    ...('tail' in run ? { tail: [] } : {}),
  };
}

/**
 * An execution's detail as the caller may see it: downstream interfaces (and their runs) the caller
 * may not see are anonymised as "hidden interface #id" / "hidden job #id".
 */
export async function maskExecutionDetail<R extends RunView | Omit<RunView, 'tail'>, D extends DetailShape<R>>(
  access: AccessService,
  user: AccessUser,
  detail: D,
): Promise<D> {
  if (isAdmin(user)) return detail;
  const visible = await access.filterVisible(user, [
    ...new Set([...detail.interfaces.map((item) => item.interfaceId), ...detail.runs.map((run) => run.interfaceId)]),
  ]);
  return {
    ...detail,
    interfaces: detail.interfaces.map((item) =>
      visible.has(item.interfaceId) ? item : { ...item, interfaceName: hiddenInterfaceLabel(item.interfaceId) },
    ),
    runs: detail.runs.map((run) => (visible.has(run.interfaceId) ? run : maskRun(run))),
  };
}
