/**
 * Content fingerprints and what of a captured message can match an item:
 * the normalisation (NFKC, line endings, outer white space — nothing more),
 * canonical URLs, test vectors pinning the hashes, and the candidates of
 * chat-archive events (RM messages only; text, image md5, link URL + title).
 * Also supervision's exemption of an approved item's own text.
 */
import { createHash } from 'node:crypto';
import type { MsgauditEvent } from '../../connectors/canonical/msgaudit-event';
import { canonicalUrl, imageFingerprint, linkFingerprint, normaliseText, textFingerprint } from '../../gateway/content-library/fingerprint';
import { messageCandidate } from '../../gateway/content-library/matching/message-content';
import { contentFromRequest, sniffImage } from '../../gateway/content-library/item-content';
import { exemptPreApproved } from '../../gateway/supervision/pre-approved';
import { loadPolicyFile } from '../../policies/load-policy';
import { preparePolicy } from '../../policies/prepare';
import { supervise } from '../../policies/supervise';
import { AdminError } from '../../gateway/admin-api/admin-error';
import { PNG_1X1 } from './content-fixtures';
import path from 'node:path';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('normaliseText', () => {
  it('folds full-width forms and compatibility characters (NFKC), unifies line endings and trims the ends only', () => {
    expect(normaliseText('\u3000 ＡＢＣ１２３，保本！\r\n第二行\r第三行  \n')).toBe('ABC123,保本!\n第二行\n第三行');
    expect(normaliseText('ﬁnance ㈱')).toBe('finance (株)');
  });

  it('keeps inner spacing, punctuation and case: they are part of what compliance approved', () => {
    expect(normaliseText('a  b')).not.toBe(normaliseText('a b'));
    expect(normaliseText('Fund')).not.toBe(normaliseText('fund'));
    expect(normaliseText('收益。')).not.toBe(normaliseText('收益'));
  });
});

describe('canonicalUrl', () => {
  it('serialises http(s) URLs the WHATWG way: lower-case scheme and host, default port dropped, dot segments resolved', () => {
    expect(canonicalUrl(' HTTPS://Bank.Example:443/a/./b/../c?x=1#top ')).toBe('https://bank.example/a/c?x=1#top');
    expect(canonicalUrl('http://bank.example')).toBe('http://bank.example/');
  });

  it('refuses other schemes, credentials and junk', () => {
    for (const bad of ['javascript:alert(1)', 'ftp://bank.example/', 'https://user:pw@bank.example/', 'not a url', '']) expect(canonicalUrl(bad)).toBeUndefined();
  });
});

describe('fingerprints (test vectors)', () => {
  it('hashes the canonical JSON of the domain, the kind and the normalised content', () => {
    expect(textFingerprint('  您好，ＡＢＣ  ')).toBe(sha256('["cgw-content/v1","text","您好,ABC"]'));
    expect(imageFingerprint('0CC175B9C0F1B6A831C399E269772661')).toBe(sha256('["cgw-content/v1","image","0cc175b9c0f1b6a831c399e269772661"]'));
    expect(linkFingerprint('HTTPS://Bank.Example/fund?id=7', ' 稳健理财 ')).toBe(sha256('["cgw-content/v1","link","https://bank.example/fund?id=7","稳健理财"]'));
  });

  it('separates kinds: the same string as text and as a link title never collide', () => {
    expect(textFingerprint('https://bank.example/')).not.toBe(linkFingerprint('https://bank.example/', 'https://bank.example/'));
    expect(linkFingerprint('javascript:x', 't')).toBeUndefined();
    expect(() => imageFingerprint('not-an-md5')).toThrow(RangeError);
  });
});

function event(over: Partial<MsgauditEvent>): MsgauditEvent {
  return {
    channel: 'wecom-msgaudit', corpId: 'ww0123456789abcdef', seq: '1', publickeyVer: 1, msgid: 'm-1', action: 'send', type: 'text', msgtype: 'text',
    from: 'rm.zhang', tolist: ['wmCustomer00000000000000000000001'], roomid: null, msgtime: 1_750_000_000_000, fields: {}, media: [], dedupeKey: 'k', rawHash: 'h', raw: {},
    ...over,
  };
}

describe('messageCandidate', () => {
  it('fingerprints an RM text message on its content, vouching for text.content', () => {
    expect(messageCandidate(event({ fields: { content: ' 限时抢购\r\n' } }))).toEqual({ kind: 'text', fingerprint: textFingerprint('限时抢购'), coveredPaths: ['text.content'] });
  });

  it('fingerprints an image message on its md5sum (case-insensitive) and a link on URL and title', () => {
    expect(messageCandidate(event({ type: 'image', msgtype: 'image', fields: { md5Sum: 'ABCDEFABCDEFABCDEFABCDEFABCDEFAB', sdkFileId: 'x' } }))).toEqual({ kind: 'image', fingerprint: imageFingerprint('abcdefabcdefabcdefabcdefabcdefab'), coveredPaths: [] });
    expect(messageCandidate(event({ type: 'link', msgtype: 'link', fields: { title: '基金', description: '说明 ', linkUrl: 'https://bank.example/f', imageUrl: '' } }))).toEqual({
      kind: 'link', fingerprint: linkFingerprint('https://bank.example/f', '基金'), coveredPaths: ['link.title'], linkDescription: '说明',
    });
  });

  it('matches nothing a customer or a robot sent, no recall, no mixed message, no blank text, no bad md5 or URL', () => {
    expect(messageCandidate(event({ from: 'wmCustomer00000000000000000000001', fields: { content: '限时抢购' } }))).toBeUndefined();
    expect(messageCandidate(event({ from: 'wbRobot000000000000000000000001', fields: { content: '限时抢购' } }))).toBeUndefined();
    expect(messageCandidate(event({ action: 'recall', type: 'revoke', msgtype: 'revoke', fields: {} }))).toBeUndefined();
    expect(messageCandidate(event({ type: 'mixed', msgtype: 'mixed', fields: { items: [] } }))).toBeUndefined();
    expect(messageCandidate(event({ fields: { content: ' \n ' } }))).toBeUndefined();
    expect(messageCandidate(event({ type: 'image', msgtype: 'image', fields: { md5Sum: '' } }))).toBeUndefined();
    expect(messageCandidate(event({ type: 'link', msgtype: 'link', fields: { title: 't', linkUrl: 'javascript:alert(1)' } }))).toBeUndefined();
  });
});

describe('item content from a request', () => {
  const limits = { maxTextBytes: 40, maxImageBytes: 1024 };
  const refusal = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return { code: (err as AdminError).code, errors: (err as AdminError).extras.errors };
    }
    throw new Error('expected a refusal');
  };

  it('takes exactly the field of the kind, within the limits', () => {
    expect(contentFromRequest('text', { text: '您好' }, limits)).toEqual({ kind: 'text', text: '您好' });
    expect(refusal(() => contentFromRequest('text', { text: 'x', link: { title: 't', url: 'https://b.example/' } }, limits))).toEqual({ code: 'invalid', errors: [{ pointer: '/body/link', message: 'must be absent for a text item' }] });
    expect(refusal(() => contentFromRequest('link', {}, limits)).errors).toEqual([{ pointer: '/body/link', message: 'is required for a link item' }]);
    expect(refusal(() => contentFromRequest('text', { text: '长'.repeat(14) }, limits)).errors![0]!.pointer).toBe('/body/text');
    expect(refusal(() => contentFromRequest('text', { text: 'bell\u0007' }, limits)).errors![0]!.message).toBe('contains control characters');
    expect(refusal(() => contentFromRequest('link', { link: { title: 't', url: 'ftp://b.example/' } }, limits)).errors![0]!.pointer).toBe('/body/link/url');
  });

  it('accepts a real image only: base64 that round-trips, a known magic number, under the size limit', () => {
    const image = contentFromRequest('image', { image: { dataBase64: PNG_1X1.toString('base64') } }, limits);
    expect(image).toMatchObject({ kind: 'image', image: { contentType: 'image/png', md5: createHash('md5').update(PNG_1X1).digest('hex') } });
    expect(refusal(() => contentFromRequest('image', { image: { dataBase64: 'iVBOR!!w0KGgo=' } }, limits)).errors![0]!.message).toBe('is not valid base64');
    expect(refusal(() => contentFromRequest('image', { image: { dataBase64: Buffer.from('%PDF-1.7 not an image').toString('base64') } }, limits)).errors![0]!.message).toBe('is not a JPEG, PNG or GIF image');
    expect(refusal(() => contentFromRequest('image', { image: { dataBase64: Buffer.concat([PNG_1X1, Buffer.alloc(2048)]).toString('base64') } }, limits)).errors![0]!.message).toMatch(/more than 1024 bytes/);
    expect(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffImage(Buffer.from('GIF89a......'))).toBe('image/gif');
  });
});

describe('supervision of a pre-approved message', () => {
  const prepared = preparePolicy(loadPolicyFile(path.join(__dirname, '..', '..', 'policies', 'default-policy.yaml')).policy);
  const now = Date.parse('2025-06-01T10:00:00+08:00');

  it("drops lexicon findings in the item's own texts, keeps those elsewhere and every PII finding", () => {
    const result = supervise(prepared, { sender: 'rm', msgtype: 'link', texts: [{ path: 'link.title', text: '限时抢购 最高收益' }, { path: 'link.description', text: '保本保息，咨询13800138000' }] }, now);
    expect(new Set(result.findings.map((f) => f.code))).toEqual(new Set(['supervision.lexicon', 'supervision.pii']));
    const exempt = exemptPreApproved(result, new Set(['link.title']));
    const lexiconPaths = exempt.findings.filter((f) => f.code === 'supervision.lexicon').flatMap((f) => f.hits.map((h) => h.path));
    expect(lexiconPaths.length).toBeGreaterThan(0);
    expect(lexiconPaths.every((p) => p === 'link.description')).toBe(true);
    expect(exempt.findings.some((f) => f.code === 'supervision.pii')).toBe(true);

    const whole = exemptPreApproved(result, new Set(['link.title', 'link.description']));
    expect(whole.findings.map((f) => f.code)).toEqual(['supervision.pii']);
    expect(whole.severity).toBe(whole.findings[0]!.severity);
  });

  it('leaves nothing to alert on when the approved text only trips the lexicon', () => {
    const result = supervise(prepared, { sender: 'rm', msgtype: 'text', texts: [{ path: 'text.content', text: '限时抢购：最高收益以产品说明书为准' }] }, now);
    expect(result.findings.length).toBeGreaterThan(0);
    expect(exemptPreApproved(result, new Set(['text.content']))).toMatchObject({ findings: [], severity: null });
  });
});
