import { classifyOaSend, CUSTOM_MSGTYPES } from './classify-oa';
import { OutboundShapeError } from '../../canonical/outbound-shape';

const OPENID = 'oUser_1234567890abcdef';

function refused(path: string, body: Record<string, unknown>): number {
  try {
    classifyOaSend(path, body);
  } catch (err) {
    if (err instanceof OutboundShapeError) return err.errcode;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('classifyOaSend', () => {
  it('classifies a customer-service text with its recipient, text pointer and Tencent path', () => {
    const c = classifyOaSend('message/custom/send', { touser: OPENID, msgtype: 'text', text: { content: '您好' } });
    expect(c).toMatchObject({ kind: 'oa.custom', product: 'oa', msgtype: 'text', recipients: [{ type: 'openid', id: OPENID }], texts: [{ path: '/text/content', text: '您好' }], tencentPath: '/cgi-bin/message/custom/send' });
    expect(c.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives the same content hash whoever the message goes to, and a different one for other content', () => {
    const a = classifyOaSend('message/custom/send', { touser: OPENID, msgtype: 'text', text: { content: 'x' } });
    const b = classifyOaSend('message/custom/send', { touser: 'oOther_1234567890', msgtype: 'text', text: { content: 'x' } });
    const c = classifyOaSend('message/custom/send', { touser: OPENID, msgtype: 'text', text: { content: 'y' } });
    expect(a.contentHash).toBe(b.contentHash);
    expect(a.contentHash).not.toBe(c.contentHash);
  });

  it.each(Object.keys(CUSTOM_MSGTYPES))('refuses a %s customer-service message missing its payload with 47001', (msgtype) => {
    expect(refused('message/custom/send', { touser: OPENID, msgtype, [msgtype]: {} })).toBe(47001);
  });

  it('refuses an unknown msgtype with 40008 and an empty text with 44004', () => {
    expect(refused('message/custom/send', { touser: OPENID, msgtype: 'hologram', hologram: {} })).toBe(40008);
    expect(refused('message/custom/send', { touser: OPENID, msgtype: 'text', text: { content: '   ' } })).toBe(44004);
  });

  it('refuses a malformed or missing openid with 40003', () => {
    expect(refused('message/custom/send', { msgtype: 'text', text: { content: 'x' } })).toBe(40003);
    expect(refused('message/custom/send', { touser: 'a b', msgtype: 'text', text: { content: 'x' } })).toBe(40003);
  });

  it('collects every template data value as text and refuses a data field without a value (47003) or no template_id (40037)', () => {
    const c = classifyOaSend('message/template/send', { touser: OPENID, template_id: 'TPL', data: { first: { value: '您的账户' }, remark: { value: '谢谢' } } });
    expect(c.texts.map((t) => t.path)).toEqual(['/data/first/value', '/data/remark/value']);
    expect(refused('message/template/send', { touser: OPENID, template_id: 'TPL', data: { first: { color: '#000' } } })).toBe(47003);
    expect(refused('message/template/send', { touser: OPENID, data: {} })).toBe(40037);
  });

  it('classifies mass sends to everyone, to a tag and to a list of openids', () => {
    expect(classifyOaSend('message/mass/sendall', { filter: { is_to_all: true }, msgtype: 'text', text: { content: 'x' } }).recipients).toEqual([{ type: 'all', id: '*' }]);
    expect(classifyOaSend('message/mass/sendall', { filter: { is_to_all: false, tag_id: 2 }, msgtype: 'text', text: { content: 'x' } }).recipients).toEqual([{ type: 'oa_tag', id: '2' }]);
    const list = classifyOaSend('message/mass/send', { touser: [OPENID, 'oOther_1234567890', OPENID], msgtype: 'text', text: { content: 'x' } });
    expect(list.recipients).toHaveLength(2);
    expect(refused('message/mass/send', { touser: [OPENID], msgtype: 'text', text: { content: 'x' } })).toBe(40003);
  });

  it('refuses a path that is not a send with 48001', () => {
    expect(refused('menu/create', {})).toBe(48001);
  });

  it('refuses floats, which canonical JSON cannot hash, with 47001', () => {
    expect(refused('message/custom/send', { touser: OPENID, msgtype: 'text', text: { content: 'x' }, weight: 1.5 })).toBe(47001);
  });
});
