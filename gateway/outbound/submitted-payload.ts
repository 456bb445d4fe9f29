/** The payload of an `outbound.submitted` archive record: everything needed to deliver, review or explain the message later. */
import type { Decision } from '../../connectors/canonical/decision';
import type { OutboundMessage } from '../../connectors/canonical/outbound-message';

export interface SubmittedPayload {
  message: OutboundMessage;
  /** The body exactly as the app sent it (the message's body is after transforms). */
  requestBody: Record<string, unknown>;
  tencentPath: string;
  secret?: string;
  decision: Decision;
}
