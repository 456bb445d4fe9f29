/**
 * Roles and the role matrix of the admin API. The spec documents the same
 * matrix per operation (`x-permission`, `x-roles`); a test keeps them equal.
 */

/** Every role, in the order the docs list them. */
export const ROLES = ['it-admin', 'compliance-officer', 'compliance-supervisor', 'auditor', 'crm-service'] as const;
/** A role an admin caller can hold. */
export type Role = (typeof ROLES)[number];

/**
 * What each permission lets a caller do, and who holds it. `crm-service` is
 * the CRM's machine client (client credentials at the SSO): it binds and
 * unbinds ids and may list a customer's records, never read their content.
 * Customer ids are shown only with bindings:read; content only with consent:read.
 */
export const PERMISSIONS = {
  whoami: ['it-admin', 'compliance-officer', 'compliance-supervisor', 'auditor', 'crm-service'],
  'approvals:read': ['compliance-officer', 'compliance-supervisor', 'auditor'],
  'approvals:decide': ['compliance-officer', 'compliance-supervisor'],
  'messages:read': ['it-admin', 'compliance-officer', 'compliance-supervisor', 'auditor'],
  'policy:eval': ['it-admin', 'compliance-officer', 'compliance-supervisor'],
  'audit:read': ['it-admin', 'compliance-supervisor', 'auditor'],
  'apps:manage': ['it-admin'],
  'consent:read': ['compliance-officer', 'compliance-supervisor', 'auditor'],
  'consent:write': ['compliance-officer', 'compliance-supervisor'],
  'bindings:read': ['compliance-officer', 'compliance-supervisor', 'crm-service'],
  'bindings:write': ['compliance-supervisor', 'crm-service'],
  'rights:manage': ['compliance-supervisor'],
  'alerts:read': ['compliance-officer', 'compliance-supervisor', 'auditor'],
  'alerts:review': ['compliance-officer', 'compliance-supervisor'],
  // content library: read items and the messages that matched them; author (create, revise, submit); decide (approve, reject, retire)
  'content:read': ['compliance-officer', 'compliance-supervisor', 'auditor'],
  'content:write': ['compliance-officer', 'compliance-supervisor'],
  'content:approve': ['compliance-officer', 'compliance-supervisor'],
  // RM departure: read hand-overs and the records involving an RM; run one (an irrevocable move of customers at WeCom, 2 per customer per 90 days: a supervisor's decision, not IT's)
  'handover:read': ['compliance-officer', 'compliance-supervisor', 'auditor'],
  'handover:run': ['compliance-supervisor'],
} as const satisfies Record<string, readonly Role[]>;
/** A permission an operation requires. */
export type Permission = keyof typeof PERMISSIONS;

/** True when `value` is a role name. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** True when `value` is a permission name. */
export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && Object.hasOwn(PERMISSIONS, value);
}

/** True when any of `roles` holds `permission`. */
export function allows(roles: readonly Role[], permission: Permission): boolean {
  const holders: readonly Role[] = PERMISSIONS[permission];
  return roles.some((role) => holders.includes(role));
}

/** Every permission `roles` hold together, in registry order. */
export function permissionsOf(roles: readonly Role[]): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((permission) => allows(roles, permission));
}
