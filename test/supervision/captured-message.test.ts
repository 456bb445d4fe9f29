/** What supervision reads of each chat-archive message type, and who it says sent it. */
import { parseDecryptedMessage } from '../../connectors/wecom/msgaudit/parse/decrypted-message';
import { capturedMessageOf, senderRole } from '../../gateway/supervision/captured-message';
import { everyMessageType } from '../msgaudit/msgaudit-harness';

const fixtures = new Map(everyMessageType().map((f) => [f.name, f.message]));

function eventOf(message: { msgid: string } & Record<string, unknown>) {
  return parseDecryptedMessage(JSON.stringify(message), { corpId: 'wwCorp', record: { seq: '1', msgid: message.msgid, publickey_ver: 1 } });
}

function capturedOf(name: string) {
  return capturedMessageOf(eventOf(fixtures.get(name)!));
}

describe('captured messages', () => {
  it('tells an RM (corp member) from a customer (external contact), and leaves robots and nobody out', () => {
    expect(senderRole('rm.zhang')).toBe('rm');
    expect(senderRole('ZhangSan')).toBe('rm');
    expect(senderRole('wmSyntheticCustomerA000000000000')).toBe('customer');
    expect(senderRole('woSyntheticCustomer0000000000000')).toBe('customer');
    expect(senderRole('wbSyntheticRobot0000000000000000')).toBeUndefined();
    expect(senderRole(null)).toBeUndefined();
  });

  it.each([
    ['text', [['text.content', '您好，这是合成的测试消息。']]],
    ['link', [['link.title', '邀请你加入群聊'], ['link.description', '合成的链接描述']]],
    ['file', [['file.fileName', '合成资料.docx']]],
    ['weapp', [['weapp.title', '服务须知'], ['weapp.description', '客户需同意存档聊天记录']]],
    ['todo', [['todo.title', '合成待办来源'], ['todo.content', '请在周五前回复客户']]],
    ['vote', [['vote.voteTitle', '合成投票'], ['vote.voteItems[0]', '选项一'], ['vote.voteItems[1]', '选项二']]],
    ['news', [['news.items[0].title', '合成图文'], ['news.items[0].description', '合成描述']]],
    ['mixed', [['mixed.items[0].content', '你好[微笑]\n']]],
    ['calendar', [['calendar.title', '合成业绩复盘会'], ['calendar.place', '三楼会议室']]],
    ['redpacket', [['redpacket.wish', '恭喜发财，大吉大利']]],
  ])('reads the texts of a %s message with their paths', (name, texts) => {
    expect(capturedOf(name)?.texts.map((t) => [t.path, t.text])).toEqual(texts);
  });

  it('reads a forwarded chat record down to the texts inside its mixed items', () => {
    expect(capturedOf('chatrecord')?.texts.map((t) => t.path)).toEqual(['chatrecord.title', 'chatrecord.items[0].content', 'chatrecord.items[2].items[0].content']);
  });

  it('reads no texts from media, and none from ids, urls or md5s', () => {
    for (const name of ['image', 'voice', 'video', 'emotion', 'card', 'location']) {
      const captured = capturedOf(name);
      expect([name, captured?.texts]).toEqual([name, []]);
    }
    expect(JSON.stringify(capturedOf('link'))).not.toContain('example.invalid');
  });

  it('does not supervise recalls, consent decisions, switch records, unknown types or robots', () => {
    for (const name of ['revoke', 'agree', 'disagree', 'switch', 'unknown-type', 'markdown']) expect([name, capturedOf(name)]).toEqual([name, undefined]);
  });

  it('names the sender and the msgtype', () => {
    expect(capturedOf('text')).toMatchObject({ sender: 'rm', msgtype: 'text' });
    expect(capturedOf('external_redpacket')).toMatchObject({ sender: 'customer', msgtype: 'external_redpacket' });
  });
});
