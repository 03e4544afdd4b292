import type { Role } from '../../modules/users/user.entity.js';

export const PERMISSIONS = ['write', 'execute', 'schedule', 'admin'] as const;
/** write = definitions, execute = run/kill/rerun, schedule = dispatches, admin = users. */
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: ['write', 'execute', 'schedule', 'admin'],
  operator: ['write', 'execute', 'schedule'],
  viewer: [],
};

export interface Principal {
  userId: number;
  username: string;
  displayName: string;
  role: Role;
  permissions: readonly Permission[];
  language: string;
  via: 'session' | 'token';
}

export function can(principal: Principal | undefined, permission: Permission): boolean {
  return principal !== undefined && principal.permissions.includes(permission);
}
