/** Who is calling the admin API, once authenticated. */
import type { Role } from './roles';

/** How an actor proved who they are. */
export type AuthMethod = 'oidc' | 'local-token';

/** An authenticated admin caller. `groups` are the SSO groups as named there (approval rules use them). */
export interface Actor {
  subject: string;
  name?: string;
  roles: Role[];
  groups: string[];
  via: AuthMethod;
}
