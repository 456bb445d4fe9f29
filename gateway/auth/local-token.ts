/** The local admin token of the embedded default: one shared secret, compared in constant time. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Actor } from './actor';
import { ROLES } from './roles';

/** The subject every local-token action is audited under. */
export const LOCAL_ADMIN_SUBJECT = 'local-admin';

/** Local tokens start with this (gateway/admin-token.ts), so a mistyped one is told apart from a JWT. */
export const LOCAL_TOKEN_PREFIX = 'cgw_';

/** True when two secrets are equal, in time independent of where they differ and of their lengths. */
export function sameSecret(expected: string, presented: string): boolean {
  // Hash both sides: timingSafeEqual needs equal lengths, and the length must not leak either.
  return timingSafeEqual(createHash('sha256').update(expected, 'utf8').digest(), createHash('sha256').update(presented, 'utf8').digest());
}

/** A checker for one local token: true when `presented` is that token. */
export function localTokenMatcher(expected: string): (presented: string) => boolean {
  return (presented) => sameSecret(expected, presented);
}

/** The actor of the local admin token: every role, no SSO groups. */
export function localAdminActor(): Actor {
  return { subject: LOCAL_ADMIN_SUBJECT, name: 'local admin token', roles: [...ROLES], groups: [], via: 'local-token' };
}
