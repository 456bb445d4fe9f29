import { msgauditDedupeKey } from './dedupe-key';

describe('msgauditDedupeKey', () => {
  test('is the pinned canonical form ["v1","msgaudit",corpId,msgid]', () => {
    expect(msgauditDedupeKey('wwSyntheticCorp0001', '8891446340739254950_1603875826')).toBe('["v1","msgaudit","wwSyntheticCorp0001","8891446340739254950_1603875826"]');
  });

  test('differs by corp and by msgid, and escapes what JSON escapes', () => {
    expect(msgauditDedupeKey('a', 'm')).not.toBe(msgauditDedupeKey('b', 'm'));
    expect(msgauditDedupeKey('a', 'm')).not.toBe(msgauditDedupeKey('a', 'm_external'));
    expect(msgauditDedupeKey('a","b', 'm')).not.toBe(msgauditDedupeKey('a', 'b","m'));
  });
});
