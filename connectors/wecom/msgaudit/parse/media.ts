/**
 * Media descriptors for the fetcher, from a payload's canonical fields
 * (wecom.md §6.3 GetMediaData: sdkfileid; md5sum and size to check the
 * download where the message gives them; Tencent sometimes sends an empty
 * md5sum, which means "nothing to check", not a file whose md5 is "").
 */
import type { MsgauditJsonObject, MsgauditMedia } from '../../../canonical/msgaudit-event';
import { MsgauditParseError } from './errors';
import type { MediaRule } from './message-types';

const MD5_HEX = /^[0-9a-fA-F]{32}$/;

/**
 * The descriptor for one payload read with a media type's rules (`path` is the payload's wire path).
 * @throws MsgauditParseError('bad-field') for an md5sum that is not 32 hex digits or a size that is not a byte count
 */
export function mediaOf(rule: MediaRule, fields: MsgauditJsonObject, path: string): MsgauditMedia {
  const sdkfileid = fields.sdkFileId;
  if (typeof sdkfileid !== 'string' || sdkfileid === '') throw new MsgauditParseError('bad-field', 'message', `${path}.sdkfileid is empty`, { path: `${path}.sdkfileid` });
  const media: MsgauditMedia = { path, msgtype: rule.msgtype, sdkfileid };
  const md5 = fields.md5Sum;
  if (typeof md5 === 'string' && md5 !== '') {
    if (!MD5_HEX.test(md5)) throw new MsgauditParseError('bad-field', 'message', `${path}.md5sum is not 32 hex digits`, { path: `${path}.md5sum` });
    media.md5sum = md5.toLowerCase();
  }
  if (rule.size !== undefined && Object.hasOwn(fields, rule.size.field)) {
    const size = fields[rule.size.field];
    const where = `${path}.${rule.size.wire}`;
    if (typeof size !== 'number' || size < 0) throw new MsgauditParseError('bad-field', 'message', `${where} is not a byte count`, { path: where });
    media.filesize = size;
  }
  const ext = rule.ext?.(fields);
  if (ext !== undefined) media.fileext = ext;
  return media;
}
