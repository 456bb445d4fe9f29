/** One recipient of one outbound message, blind-indexed: what the FINRA 2210 distinct-recipient count reads. */
import { EntitySchema } from 'typeorm';
import { OUTBOUND_MESSAGE_ENTITY } from './outbound-message';
import { bigintColumn, varcharColumn } from './columns';

/** A row of `outbound_recipient`. */
export interface OutboundRecipientRow {
  messageId: number;
  recipientBidx: string;
  contentHash: string;
  createdAt: number;
}

/** Entity name for `dataSource.getRepository<OutboundRecipientRow>(…)`. */
export const OUTBOUND_RECIPIENT_ENTITY = 'OutboundRecipient';

/** The `outbound_recipient` entity schema (the same on every dialect). */
export function outboundRecipientEntity(): EntitySchema<OutboundRecipientRow> {
  return new EntitySchema<OutboundRecipientRow>({
    name: OUTBOUND_RECIPIENT_ENTITY,
    tableName: 'outbound_recipient',
    columns: {
      messageId: { ...bigintColumn('message_id', { primary: true }), primaryKeyConstraintName: 'pk_outbound_recipient', foreignKey: { target: OUTBOUND_MESSAGE_ENTITY, name: 'fk_outbound_recipient_message' } },
      recipientBidx: { ...varcharColumn('recipient_bidx', 64, { primary: true }), primaryKeyConstraintName: 'pk_outbound_recipient' },
      contentHash: varcharColumn('content_hash', 64),
      createdAt: bigintColumn('created_at'),
    },
    indices: [{ name: 'ix_outbound_recipient_content', columns: ['contentHash', 'createdAt'] }],
  });
}
