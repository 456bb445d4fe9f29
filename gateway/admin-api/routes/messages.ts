/** GET /messages/{messageId}: status only, never content. */
import type { MessagesPort } from '../ports';
import type { Handler } from '../typed';

/** The message status handler. */
export function messageStatusHandler(messages: MessagesPort): Handler<'getMessageStatus'> {
  return async ({ path }) => {
    const status = await messages.status(path.messageId);
    return { body: status, audit: { contentHash: status.contentHash, details: { state: status.state } } };
  };
}
