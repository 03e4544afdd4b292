import { isAdmin, type AccessService, type AccessUser } from './access.service.js';
import { hiddenInterfaceLabel, hiddenJobLabel } from './execution-mask.js';

interface LiveRunShape {
  runId: number;
  jobId: number;
  jobName: string;
  interfaceName: string;
  logUrl: string;
}

/**
 * Exec hosts' runs in flight as the caller may see them: hosts and slots are shared infrastructure
 * and stay, runs of interfaces the caller may not see lose their names and log link.
 */
export async function maskLiveRuns<H extends { runs: LiveRunShape[] }>(
  access: AccessService,
  user: AccessUser,
  hosts: H[],
): Promise<H[]> {
  if (isAdmin(user)) return hosts;
  const interfaces = await access.runInterfaces(hosts.flatMap((host) => host.runs.map((run) => run.runId)));
  const visible = await access.filterVisible(user, [...new Set(interfaces.values())]);
  return hosts.map((host) => ({
    ...host,
    runs: host.runs.map((run) => {
      const interfaceId = interfaces.get(run.runId);
      if (interfaceId !== undefined && visible.has(interfaceId)) return run;
      const label = interfaceId === undefined ? '' : hiddenInterfaceLabel(interfaceId);
      return { ...run, jobName: hiddenJobLabel(run.jobId), interfaceName: label, logUrl: '' };
    }),
  }));
}
