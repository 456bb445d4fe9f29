import * as pushes from '../pushes';
import { seededRng } from '../random';
import { bare, cdata, element, renderXml } from '../xml-builder';
import { readReplyXml } from '../xml-reader';
import type { XmlObject } from '../../../connectors/canonical/chat-event';
import { base, catalogue } from './helpers/push-catalogue';

describe('push builders', () => {
  it('prints a text message exactly as Tencent does', () => {
    expect(pushes.textMessage({ ...base, content: '你好 hello', msgId: '6054768590064713728' })).toBe(
      '<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName>\n' +
        '<FromUserName><![CDATA[oia2TjuEGTNoeX76QEjQNrcURxG8]]></FromUserName>\n' +
        '<CreateTime>1714037059</CreateTime>\n' +
        '<MsgType><![CDATA[text]]></MsgType>\n' +
        '<Content><![CDATA[你好 hello]]></Content>\n' +
        '<MsgId>6054768590064713728</MsgId>\n' +
        '</xml>',
    );
  });

  it.each(catalogue)('%s has the common header, its type and well-formed XML', (_name, build, msgType, event, idField) => {
    const xml = build();
    const doc = readReplyXml(xml);
    expect(doc).toMatchObject({ ToUserName: base.toUserName, FromUserName: base.fromUserName, CreateTime: '1714037059', MsgType: msgType });
    expect(doc.Event).toBe(event);
    expect(xml).toContain('<CreateTime>1714037059</CreateTime>');
    if (idField) {
      const id = doc[idField] as string;
      expect(id).toMatch(/^\d{19}$/);
      expect(BigInt(id) > 2n ** 53n).toBe(true);
      expect(xml).toContain(`<${idField}>${id}</${idField}>`); // bare, not CDATA
    } else {
      expect(doc.MsgId).toBeUndefined();
    }
  });

  it('adds qrscene_ EventKey and a Ticket to a follow through a parametric QR code', () => {
    const doc = readReplyXml(pushes.subscribeEvent({ ...base, qrScene: '123123' }));
    expect(doc.EventKey).toBe('qrscene_123123');
    expect(Buffer.from(doc.Ticket as string, 'base64').toString('latin1')).toContain('http://weixin.qq.com/q/');
    expect(readReplyXml(pushes.scanEvent({ ...base, scene: '123123' })).EventKey).toBe('123123');
  });

  it('writes location numbers bare with their exact digits', () => {
    const xml = pushes.locationEvent({ ...base, latitude: '23.137466', longitude: '113.352425', precision: '119.385040' });
    expect(xml).toContain('<Latitude>23.137466</Latitude>\n<Longitude>113.352425</Longitude>\n<Precision>119.385040</Precision>');
  });

  it('repeats PicList items and keeps Count in step', () => {
    const xml = pushes.picEvent({ ...base, kind: 'pic_photo_or_album', eventKey: '6', picMd5Sums: ['1b5f7c23b5bf75682a53e7b6d163e185', '2b5f7c23b5bf75682a53e7b6d163e185'] });
    const info = readReplyXml(xml).SendPicsInfo as XmlObject;
    expect(info.Count).toBe('2');
    expect((info.PicList as XmlObject).item).toEqual([{ PicMd5Sum: '1b5f7c23b5bf75682a53e7b6d163e185' }, { PicMd5Sum: '2b5f7c23b5bf75682a53e7b6d163e185' }]);
  });

  it('repeats <List> once per template in subscription events', () => {
    const xml = pushes.subscribeMsgPopupEvent({
      ...base,
      choices: [
        { templateId: 'T1', status: 'accept', popupScene: 2 },
        { templateId: 'T2', status: 'reject', popupScene: 2 },
      ],
    });
    const lists = (readReplyXml(xml).SubscribeMsgPopupEvent as XmlObject).List;
    expect(lists).toEqual([
      { TemplateId: 'T1', SubscribeStatusString: 'accept', PopupScene: '2' },
      { TemplateId: 'T2', SubscribeStatusString: 'reject', PopupScene: '2' },
    ]);
    const sent = readReplyXml(pushes.subscribeMsgSentEvent({ ...base, results: [{ templateId: 'T1', errorCode: 43101, errorStatus: 'failed:user refuse' }] }));
    expect((sent.SubscribeMsgSentEvent as XmlObject).List).toMatchObject({ TemplateId: 'T1', ErrorCode: '43101', ErrorStatus: 'failed:user refuse' });
  });

  it('keeps the voice Recognition and puts MediaId16K after MsgId', () => {
    const xml = pushes.voiceMessage({ ...base, recognition: '腾讯微信团队', msgId: '6054768590064713728' });
    expect(xml).toMatch(/<Format><!\[CDATA\[amr\]\]><\/Format>\n<Recognition><!\[CDATA\[腾讯微信团队\]\]><\/Recognition>\n<MsgId>6054768590064713728<\/MsgId>\n<MediaId16K>/);
    expect(pushes.voiceMessage({ ...base, mediaId16K: null })).not.toContain('MediaId16K');
  });

  it('is reproducible with a seeded rng', () => {
    const a = pushes.imageMessage({ ...base, rng: seededRng('same') });
    const b = pushes.imageMessage({ ...base, rng: seededRng('same') });
    expect(a).toBe(b);
  });
});

describe('XML builder', () => {
  it('splits "]]>" across CDATA sections so text cannot break out', () => {
    const xml = renderXml([cdata('Content', 'a]]><Evil/>b')]);
    expect(xml).toBe('<xml><Content><![CDATA[a]]]]><![CDATA[><Evil/>b]]></Content>\n</xml>');
    expect(readReplyXml(xml).Content).toBe('a]]><Evil/>b');
  });

  it('refuses non-numeric bare values and bad element names', () => {
    expect(() => bare('CreateTime', '12<x>')).toThrow(/numeric/);
    expect(() => element('a b', [])).toThrow(/element name/);
  });
});
