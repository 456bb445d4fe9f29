/**
 * The content library operations (issue 6 item 6): list, show, create, revise, the lifecycle
 * transitions (submit, approve, reject, retire) and the captured messages that matched an item.
 * Thin: validation was done; the port decides and says what the audit event records (ids,
 * versions, fingerprints, hashes of notes; never the item's text).
 */
import type { ContentLibraryPort } from '../ports';
import type { Handler, OperationId } from '../typed';

/** GET /content-items. */
export function listContentItemsHandler(content: ContentLibraryPort): Handler<'listContentItems'> {
  return async ({ query }) => {
    const page = await content.list({ ...(query.status ? { status: query.status } : {}), ...(query.kind ? { kind: query.kind } : {}), ...(query.cursor ? { cursor: query.cursor } : {}), limit: query.limit ?? 50 });
    return { body: page, audit: { target: null, details: { filter: { status: query.status, kind: query.kind }, count: page.items.length } } };
  };
}

/** GET /content-items/{itemId}. */
export function getContentItemHandler(content: ContentLibraryPort): Handler<'getContentItem'> {
  return async ({ path }) => {
    const item = await content.get(path.itemId);
    return { body: item, audit: { target: item.id, details: { status: item.status, version: item.version } } };
  };
}

/** POST /content-items. */
export function createContentItemHandler(content: ContentLibraryPort): Handler<'createContentItem'> {
  return async ({ actor, body }) => {
    const { result, audit } = await content.create(body, actor);
    return { body: result, audit };
  };
}

/** POST /content-items/{itemId}/revise. */
export function reviseContentItemHandler(content: ContentLibraryPort): Handler<'reviseContentItem'> {
  return async ({ actor, path, body }) => {
    const { result, audit } = await content.revise(path.itemId, body, actor);
    return { body: result, audit };
  };
}

type TransitionOperation = Extract<OperationId, 'submitContentItem' | 'approveContentItem' | 'rejectContentItem' | 'retireContentItem'>;

/** POST /content-items/{itemId}/{submit|approve|reject|retire}. */
export function transitionContentItemHandler<K extends TransitionOperation>(content: ContentLibraryPort, action: 'submit' | 'approve' | 'reject' | 'retire'): Handler<K> {
  const handler: Handler<TransitionOperation> = async ({ actor, path, body }) => {
    const { result, audit } = await content.transition(action, path.itemId, body, actor);
    return { body: result, audit };
  };
  return handler as unknown as Handler<K>;
}

/** GET /content-items/{itemId}/messages. */
export function listContentItemMessagesHandler(content: ContentLibraryPort): Handler<'listContentItemMessages'> {
  return async ({ path, query }) => {
    const page = await content.messages(path.itemId, { ...(query.cursor ? { cursor: query.cursor } : {}), limit: query.limit ?? 50 });
    return { body: page, audit: { target: path.itemId, details: { count: page.items.length } } };
  };
}
