import type { JobEntity } from '../src/modules/job/job.entity.js';

/** A job row for bulk seeding in benchmarks: a plain argv job on tag "etl". */
export function jobRow(
  interfaceId: number,
  name: string,
  now: Date,
  overrides: Partial<JobEntity> = {},
): Partial<JobEntity> {
  return {
    interfaceId,
    name,
    description: '',
    folder: 'bench',
    execHostId: null,
    hostTag: 'etl',
    routingStrategy: 'round_robin',
    workingDir: '/data/etl',
    commandType: 'argv',
    command: `sh run.sh ${name}`,
    interpreter: '',
    successExitCodes: '0',
    timeoutWarnSeconds: 0,
    timeoutFailSeconds: 3600,
    retryCount: null,
    retryIntervalSeconds: null,
    retryBackoffPercent: 100,
    retryLost: true,
    enabled: true,
    createdAt: now,
    updatedAt: now,
    updatedBy: 'bench',
    ...overrides,
  };
}
