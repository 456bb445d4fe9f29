import fc from 'fast-check';
import type { XmlObject } from '../../canonical/chat-event';
import { DEFAULT_XML_LIMITS, XmlParseError, buildXml, parseXml } from './xml';

const V5_PLAINTEXT = '<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>';

/** The XmlParseError code `parseXml` throws for `input`, asserting the message leaks nothing. */
function codeOf(input: string | Uint8Array, limits?: Parameters<typeof parseXml>[1]): string {
  try {
    parseXml(input, limits);
  } catch (err) {
    if (!(err instanceof XmlParseError)) throw err;
    expect(err.message).not.toContain('CANARY');
    return err.code;
  }
  throw new Error('expected an XmlParseError');
}

const nest = (depth: number, leaf = 'x'): string => '<xml>' + '<a>'.repeat(depth - 1) + leaf + '</a>'.repeat(depth - 1) + '</xml>';

describe('parseXml accepts what Tencent and SDKs send', () => {
  test('parses the V5 push with CDATA and bare numbers, MsgId kept as a string', () => {
    expect(parseXml(V5_PLAINTEXT)).toEqual({
      ToUserName: 'gh_10f6c3c3ac5a',
      FromUserName: 'oyORnuP8q7ou2gfYjqLzSIWZf0rs',
      CreateTime: '1409735668',
      MsgType: 'text',
      Content: 'abcdteT',
      MsgId: '6054768590064713728',
    });
  });

  test('keeps CDATA verbatim: spaces, newlines, markup characters and entity-like text', () => {
    const content = '  line1\r\n<b>&amp; 中文 \t ';
    expect(parseXml(`<xml><Content><![CDATA[${content}]]></Content></xml>`).Content).toBe(content);
  });

  test('keeps leaf text verbatim, including whitespace-only text', () => {
    expect(parseXml('<xml><A> 1 </A><B>  </B></xml>')).toEqual({ A: ' 1 ', B: '  ' });
  });

  test('joins text and CDATA pieces of one element', () => {
    expect(parseXml('<xml><A>x<![CDATA[y]]>z<![CDATA[]]></A></xml>').A).toBe('xyz');
  });

  test('decodes the five predefined entities and numeric character references', () => {
    expect(parseXml('<xml><A>&lt;&gt;&amp;&apos;&quot;&#20013;&#x6587;&#x1F600;&amp;lt;</A></xml>').A).toBe(`<>&'"中文\u{1F600}&lt;`);
    expect(codeOf('<xml><A>&#X41;</A></xml>')).toBe('malformed'); // XML spells hex references with a lowercase x only
  });

  test('turns repeated siblings into arrays in document order, single ones stay objects', () => {
    const xml = '<xml><SendPicsInfo><Count>2</Count><PicList><item><PicMd5Sum><![CDATA[a]]></PicMd5Sum></item>'
      + '<item><PicMd5Sum><![CDATA[b]]></PicMd5Sum></item></PicList></SendPicsInfo>'
      + '<One><item><PicMd5Sum>c</PicMd5Sum></item></One><R>1</R><R>2</R><R>3</R></xml>';
    expect(parseXml(xml)).toEqual({
      SendPicsInfo: { Count: '2', PicList: { item: [{ PicMd5Sum: 'a' }, { PicMd5Sum: 'b' }] } },
      One: { item: { PicMd5Sum: 'c' } },
      R: ['1', '2', '3'],
    });
  });

  test('drops whitespace between elements and accepts comments inside and before the root', () => {
    expect(parseXml('<!-- hi -->\n<xml>\n  <A>1</A>\n  <!-- c -->\n  <B><C>2</C>\n</B>\n</xml>\n')).toEqual({ A: '1', B: { C: '2' } });
  });

  test('reads empty and self-closing elements as empty strings, and an empty root as {}', () => {
    expect(parseXml('<xml><A/><B></B><C /></xml>')).toEqual({ A: '', B: '', C: '' });
    expect(parseXml('<xml></xml>')).toEqual({});
    expect(parseXml('<xml/>')).toEqual({});
  });

  test('accepts a leading XML declaration for UTF-8', () => {
    expect(parseXml('<?xml version="1.0" encoding="UTF-8"?><xml><A>1</A></xml>')).toEqual({ A: '1' });
    expect(parseXml("<?xml version='1.0' encoding='utf8' standalone='yes'?>\n<xml/>")).toEqual({});
  });

  test('accepts one UTF-8 BOM, as a string or as bytes', () => {
    expect(parseXml('\ufeff<xml><A>1</A></xml>')).toEqual({ A: '1' });
    expect(parseXml(Buffer.from('\ufeff<xml><A>中</A></xml>', 'utf8'))).toEqual({ A: '中' });
  });

  test('an element named like an Object.prototype member is an ordinary own key', () => {
    const out = parseXml('<xml><constructor>1</constructor><toString>2</toString><toString>3</toString></xml>');
    expect(Object.hasOwn(out, 'constructor')).toBe(true);
    expect(out).toEqual({ constructor: '1', toString: ['2', '3'] });
  });

  test('accepts exactly the default limits', () => {
    expect(parseXml(nest(DEFAULT_XML_LIMITS.maxDepth)).a).toBeDefined();
    expect(() => parseXml(`<xml>${'<a/>'.repeat(DEFAULT_XML_LIMITS.maxElements - 1)}</xml>`)).not.toThrow();
    expect(() => parseXml(`<xml><A>${'x'.repeat(DEFAULT_XML_LIMITS.maxTextBytes)}</A></xml>`)).not.toThrow();
  });
});

describe('parseXml rejects hostile and malformed documents with a specific code', () => {
  test.each([
    ['DOCTYPE', '<!DOCTYPE xml><xml/>', 'doctype'],
    ['DOCTYPE after the root', '<xml/><!DOCTYPE xml>', 'doctype'],
    ['external entity (XXE)', '<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><A>&x;</A></xml>', 'entity'],
    ['billion laughs', '<!DOCTYPE xml [<!ENTITY a "CANARY"><!ENTITY b "&a;&a;">]><xml><A>&b;</A></xml>', 'entity'],
    ['stray ENTITY declaration', '<xml><!ENTITY a "x"></xml>', 'entity'],
    ['undeclared entity reference', '<xml><A>CANARY&nbsp;</A></xml>', 'entity'],
    ['reference to NUL', '<xml><A>&#0;</A></xml>', 'entity'],
    ['reference to a surrogate', '<xml><A>&#xD800;</A></xml>', 'entity'],
    ['reference beyond Unicode', '<xml><A>&#x110000;</A></xml>', 'entity'],
    ['bare ampersand', '<xml><A>a & CANARY</A></xml>', 'malformed'],
    ['unterminated reference', '<xml><A>&ampCANARY</A></xml>', 'malformed'],
    ['processing instruction', '<?xml-stylesheet href="CANARY"?><xml/>', 'malformed'],
    ['processing instruction inside', '<xml><?php CANARY ?></xml>', 'malformed'],
    ['declaration not at the start', ' <?xml version="1.0"?><xml/>', 'malformed'],
    ['non-UTF-8 encoding declared', '<?xml version="1.0" encoding="GBK"?><xml/>', 'malformed'],
    ['attributes', '<xml><A b="CANARY">1</A></xml>', 'malformed'],
    ['namespaced name', '<xml><a:b>1</a:b></xml>', 'malformed'],
    ['__proto__ element', '<xml><__proto__><A>1</A></__proto__></xml>', 'malformed'],
    ['two roots', '<xml/><xml/>', 'malformed'],
    ['text after the root', '<xml/>CANARY', 'malformed'],
    ['comment after the root', '<xml/><!-- CANARY -->', 'malformed'],
    ['text before the root', 'CANARY<xml/>', 'malformed'],
    ['non-xml root', '<root><A>CANARY</A></root>', 'not-xml-root'],
    ['XML root in another case', '<XML/>', 'not-xml-root'],
    ['mismatched closing tag', '<xml><A>1</B></xml>', 'malformed'],
    ['mixed content', '<xml><A>CANARY<B>1</B></A></xml>', 'malformed'],
    ['CDATA next to children', '<xml><A><![CDATA[ ]]><B>1</B></A></xml>', 'malformed'],
    ['text directly in the root', '<xml>CANARY</xml>', 'malformed'],
    ['"]]>" in text', '<xml><A>a]]>b</A></xml>', 'malformed'],
    ['unterminated CDATA', '<xml><A><![CDATA[CANARY</A></xml>', 'malformed'],
    ['unterminated comment', '<xml><!-- CANARY</xml>', 'malformed'],
    ['other markup declaration', '<xml><!ELEMENT a ANY></xml>', 'malformed'],
    ['empty document', '', 'malformed'],
    ['whitespace only', ' \n ', 'malformed'],
    ['JSON', '{"CANARY":1}', 'malformed'],
  ])('%s -> %s', (_label, input, code) => {
    expect(codeOf(input)).toBe(code);
  });

  test('every truncation of a valid push is rejected as malformed', () => {
    for (let i = 0; i < V5_PLAINTEXT.length; i++) {
      expect(codeOf(V5_PLAINTEXT.slice(0, i))).toBe('malformed');
    }
  });

  test('rejects invalid UTF-8 bytes', () => {
    expect(codeOf(Buffer.from([0x3c, 0x78, 0x6d, 0x6c, 0x3e, 0xc3, 0x28, 0x3c, 0x2f, 0x78, 0x6d, 0x6c, 0x3e]))).toBe('malformed');
  });

  test('rejects a document over maxBytes, counting UTF-8 bytes not characters', () => {
    const doc = `<xml><A>${'中'.repeat(30)}</A></xml>`; // 15 + 90 bytes, 45 characters
    expect(codeOf(doc, { maxBytes: 100 })).toBe('too-large');
    expect(codeOf(Buffer.from(doc), { maxBytes: 100 })).toBe('too-large');
    expect(codeOf('<xml/>'.padEnd(64 * 1024 + 1, ' '))).toBe('too-large');
  });

  test('rejects nesting one deeper than maxDepth', () => {
    expect(codeOf(nest(DEFAULT_XML_LIMITS.maxDepth + 1))).toBe('too-deep');
    expect(codeOf(nest(3), { maxDepth: 2 })).toBe('too-deep');
  });

  test('stops at the depth limit while parsing: 20,000 unclosed levels fail fast with too-deep, not a stack overflow', () => {
    expect(codeOf(`<xml>${'<a>'.repeat(20_000)}`)).toBe('too-deep');
  });

  test('rejects one element more than maxElements, even in a truncated document', () => {
    expect(codeOf(`<xml>${'<a/>'.repeat(DEFAULT_XML_LIMITS.maxElements)}</xml>`)).toBe('too-many-elements');
    expect(codeOf(`<xml>${'<a/>'.repeat(10)}`, { maxElements: 5 })).toBe('too-many-elements');
  });

  test('rejects a text value over maxTextBytes, summing its CDATA pieces and counting bytes', () => {
    expect(codeOf(`<xml><A>${'x'.repeat(DEFAULT_XML_LIMITS.maxTextBytes + 1)}</A></xml>`)).toBe('too-large');
    expect(codeOf('<xml><A><![CDATA[中中]]><![CDATA[中]]></A></xml>', { maxTextBytes: 8 })).toBe('too-large');
    expect(parseXml('<xml><A>中中</A><B>中中</B></xml>', { maxTextBytes: 6 })).toEqual({ A: '中中', B: '中中' });
  });

  test('never throws anything but XmlParseError on arbitrary input', () => {
    const piece = fc.constantFrom('<xml>', '</xml>', '<a>', '</a>', '<![CDATA[', ']]>', '&amp;', '&', '<!DOCTYPE', '<?', '?>', '<!--', '-->', '/>', 'x', ' ', '中');
    fc.assert(fc.property(fc.oneof(fc.string(), fc.array(piece).map((p) => p.join(''))), (input) => {
      try {
        parseXml(input);
      } catch (err) {
        expect(err).toBeInstanceOf(XmlParseError);
      }
    }), { numRuns: 2000 });
  });
});

describe('buildXml', () => {
  test('emits strings in CDATA and known numeric fields bare, in insertion order', () => {
    expect(buildXml({ ToUserName: 'o1', CreateTime: '1409735668', MsgType: 'text', Content: '12', MsgId: '6054768590064713728' }))
      .toBe('<xml><ToUserName><![CDATA[o1]]></ToUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType>'
        + '<Content><![CDATA[12]]></Content><MsgId>6054768590064713728</MsgId></xml>');
  });

  test('puts a non-numeric value of a numeric field in CDATA, and honours a custom numeric set', () => {
    expect(buildXml({ CreateTime: '12<a>' })).toBe('<xml><CreateTime><![CDATA[12<a>]]></CreateTime></xml>');
    expect(buildXml({ Foo: '1', CreateTime: '2' }, new Set(['Foo']))).toBe('<xml><Foo>1</Foo><CreateTime><![CDATA[2]]></CreateTime></xml>');
  });

  test('splits "]]>" so the text survives a round trip', () => {
    const content = 'a]]>b]]]]>c';
    const xml = buildXml({ Content: content });
    expect(xml).toBe('<xml><Content><![CDATA[a]]]]><![CDATA[>b]]]]]]><![CDATA[>c]]></Content></xml>');
    expect(parseXml(xml).Content).toBe(content);
  });

  test('emits arrays as repeated siblings and nests objects', () => {
    expect(buildXml({ ArticleCount: '2', Articles: { item: [{ Title: 'a' }, { Title: 'b' }] } }))
      .toBe('<xml><ArticleCount>2</ArticleCount><Articles><item><Title><![CDATA[a]]></Title></item><item><Title><![CDATA[b]]></Title></item></Articles></xml>');
  });

  test('refuses element names that could inject markup, and nested arrays', () => {
    expect(() => buildXml({ 'a><b': 'x' })).toThrow(TypeError);
    expect(() => buildXml({ A: [['x']] })).toThrow(TypeError);
  });

  test('parseXml(buildXml(x)) returns x for arbitrary objects with Chinese text and "]]>"', () => {
    const name = fc.stringMatching(/^[A-Z][A-Za-z0-9_]{0,8}$/);
    const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.constant(']]>'), fc.constant('中文 ]]]> x'));
    const leafObject = fc.dictionary(name, text, { minKeys: 1, maxKeys: 4 });
    const value = fc.oneof(text, leafObject, fc.array(leafObject, { minLength: 2, maxLength: 3 }));
    fc.assert(fc.property(fc.dictionary(name, value, { maxKeys: 6 }), (obj) => {
      expect(parseXml(buildXml(obj as XmlObject))).toEqual(obj);
    }), { numRuns: 300 });
  });
});
