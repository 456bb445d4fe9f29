/** The admin API's port over the content library: reads from the store, changes through the lifecycle commands. */
import { AdminError } from '../admin-api/admin-error';
import type { ContentAdminPorts } from '../admin-api/ports';
import { itemForApi, useForApi } from './api-shapes';
import { createItem, reviseItem, transitionItem, type ItemCommandDeps } from './item-commands';

/** Build the `content` port. */
export function contentAdminPorts(deps: ItemCommandDeps): ContentAdminPorts {
  return {
    content: {
      async list(query) {
        const page = await deps.store.page(query);
        return { items: page.rows.map(itemForApi), nextCursor: page.nextCursor };
      },
      async get(itemId) {
        const row = await deps.store.get(itemId);
        if (!row) throw new AdminError('not_found', `no content item ${itemId}`, { audit: { target: itemId } });
        return itemForApi(row);
      },
      create: (request, actor) => createItem(deps, request, actor),
      revise: (itemId, request, actor) => reviseItem(deps, itemId, request, actor),
      transition: (action, itemId, request, actor) => transitionItem(deps, action, itemId, request, actor),
      async messages(itemId, query) {
        if (!(await deps.store.get(itemId))) throw new AdminError('not_found', `no content item ${itemId}`, { audit: { target: itemId } });
        const page = await deps.store.uses(itemId, query);
        return { items: page.rows.map(useForApi), nextCursor: page.nextCursor };
      },
    },
  };
}
