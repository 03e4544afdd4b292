import type { DefinitionsFile } from '../transfer/definitions-format.js';
import type { DefinitionsSnapshot } from '../transfer/definitions-snapshot.js';
import { hiddenInterfaceLabel, hiddenJobLabel } from './execution-mask.js';

/**
 * An export holds only interfaces the user may see, but their parents and prerequisites may sit in
 * interfaces the user may not see: those references are written as "hidden interface #id" /
 * "hidden job #id" (an import of them answers "unknown interface", naming the row). `visible` null = admin.
 */
export function maskReferences(
  file: DefinitionsFile,
  snapshot: DefinitionsSnapshot,
  visible: ReadonlySet<number> | null,
): DefinitionsFile {
  if (visible === null) return file;
  const hiddenId = (name: string): number | null => {
    const id = snapshot.interfaceByName.get(name)?.id;
    return id === undefined || visible.has(id) ? null : id;
  };
  const jobIds = new Map(snapshot.jobs.map((job) => [`${job.interfaceId}\n${job.name}`, job.id]));
  return {
    ...file,
    interfaces: file.interfaces.map((item) => ({
      ...item,
      parents: item.parents.map((name) => {
        const id = hiddenId(name);
        return id === null ? name : hiddenInterfaceLabel(id);
      }),
    })),
    jobs: file.jobs.map((job) => ({
      ...job,
      prerequisites: job.prerequisites.map((ref) => {
        const id = hiddenId(ref.interface);
        if (id === null) return ref;
        const jobId = jobIds.get(`${id}\n${ref.job}`) ?? 0;
        return { ...ref, interface: hiddenInterfaceLabel(id), job: hiddenJobLabel(jobId) };
      }),
    })),
  };
}
