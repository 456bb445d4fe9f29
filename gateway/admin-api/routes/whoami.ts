/** GET /whoami: the caller as the gateway sees it. */
import { permissionsOf } from '../../auth/roles';
import type { Handler } from '../typed';

/** The whoami handler. */
export function whoamiHandler(): Handler<'whoami'> {
  return async ({ actor }) => ({
    body: {
      subject: actor.subject,
      ...(actor.name ? { name: actor.name } : {}),
      roles: actor.roles,
      groups: actor.groups,
      via: actor.via,
      permissions: permissionsOf(actor.roles),
    },
  });
}
