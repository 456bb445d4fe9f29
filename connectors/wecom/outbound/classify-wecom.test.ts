import { classifyWecomSend } from './classify-wecom';
import { OutboundShapeError } from '../../canonical/outbound-shape';

function refused(path: string, body: Record<string, unknown>): number {
  try {
    classifyWecomSend(path, body);
  } catch (err) {
    if (err instanceof OutboundShapeError) return err.errcode;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('classifyWecomSend', () => {
  it('classifies an app message with users, parties and tags and names the agent secret', () => {
    const c = classifyWecomSend('message/send', { touser: 'rm1|rm2', toparty: '3', msgtype: 'text', agentid: 1000002, text: { content: '晨会' } });
    expect(c).toMatchObject({ kind: 'wecom.app', secret: 'agent:1000002', tencentPath: '/cgi-bin/message/send' });
    expect(c.recipients).toEqual([{ type: 'userid', id: 'rm1' }, { type: 'userid', id: 'rm2' }, { type: 'party', id: '3' }]);
  });

  it('refuses over-long text (45002), empty text (44004), a missing agentid (40056) and no recipients (81013)', () => {
    expect(refused('message/send', { touser: 'a', msgtype: 'text', agentid: 1, text: { content: '字'.repeat(683) } })).toBe(45002);
    expect(refused('message/send', { touser: 'a', msgtype: 'text', agentid: 1, text: { content: '' } })).toBe(44004);
    expect(refused('message/send', { touser: 'a', msgtype: 'text', text: { content: 'x' } })).toBe(40056);
    expect(refused('message/send', { msgtype: 'text', agentid: 1, text: { content: 'x' } })).toBe(81013);
    expect(refused('message/send', { touser: 'a', msgtype: 'fax', agentid: 1, fax: {} })).toBe(40008);
  });

  it('classifies a customer mass-send task with the contact secret and checks attachments', () => {
    const c = classifyWecomSend('externalcontact/add_msg_template', { external_userid: ['wmA', 'wmB'], text: { content: '理财早报' }, attachments: [{ msgtype: 'link', link: { title: '标题', url: 'https://x' } }] });
    expect(c).toMatchObject({ kind: 'wecom.customer_mass', secret: 'contact' });
    expect(c.texts.map((t) => t.path)).toEqual(['/text/content', '/attachments/0/link/title']);
    expect(refused('externalcontact/add_msg_template', { external_userid: ['wmA'], text: { content: 'x' }, attachments: Array(10).fill({ msgtype: 'link', link: {} }) })).toBe(41064);
    expect(refused('externalcontact/add_msg_template', { external_userid: ['wmA'], attachments: [{ msgtype: 'fax' }] })).toBe(41065);
    expect(refused('externalcontact/add_msg_template', { external_userid: ['wmA'], text: { content: 'x'.repeat(4001) } })).toBe(45002);
  });

  it('classifies a welcome message by its welcome code', () => {
    expect(classifyWecomSend('externalcontact/send_welcome_msg', { welcome_code: 'CODE', text: { content: '欢迎' } }).recipients).toEqual([{ type: 'welcome_code', id: 'CODE' }]);
    expect(refused('externalcontact/send_welcome_msg', { text: { content: '欢迎' } })).toBe(47001);
  });
});
