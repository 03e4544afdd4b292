import { AppException } from '../../common/http/app.exception.js';
import type { Dependent } from '../interface/dependents.js';
import { isAdmin, type AccessService, type AccessUser } from './access.service.js';
import { hiddenInterfaceLabel, hiddenJobLabel } from './execution-mask.js';

/** The interface a dependent belongs to (a child interface is one); undefined: always visible with its target. */
const interfaceOf = (item: Dependent): number | undefined =>
  item.relation === 'child_interface' ? item.id : item.interfaceId;

/**
 * What a delete would cascade to, as the caller may see it: child interfaces and dependent jobs in
 * interfaces the caller may not see are "hidden interface #id" / "hidden job #id" (still counted).
 */
export async function maskDependents(
  access: AccessService,
  user: AccessUser,
  dependents: readonly Dependent[],
): Promise<Dependent[]> {
  if (isAdmin(user)) return [...dependents];
  const ids = dependents.map(interfaceOf).filter((id): id is number => id !== undefined);
  const visible = await access.filterVisible(user, [...new Set(ids)]);
  return dependents.map((item) => {
    const interfaceId = interfaceOf(item);
    if (interfaceId === undefined || visible.has(interfaceId)) return item;
    if (item.relation === 'child_interface') return { ...item, name: hiddenInterfaceLabel(item.id) };
    return { ...item, name: hiddenJobLabel(item.id), interfaceName: '' };
  });
}

/**
 * For `.catch()` on a delete: a 409 HAS_DEPENDENTS goes out with its dependents masked as above
 * (its message only counts them); any other error passes unchanged.
 */
export function hideDependents(access: AccessService, user: AccessUser) {
  return async (error: unknown): Promise<never> => {
    if (!(error instanceof AppException) || error.code !== 'HAS_DEPENDENTS') throw error;
    const { dependents } = error.details as { dependents: Dependent[] };
    throw new AppException('HAS_DEPENDENTS', error.message, {
      dependents: await maskDependents(access, user, dependents),
    });
  };
}
