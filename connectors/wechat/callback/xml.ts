/**
 * A strict, small XML parser for Tencent pushes and internal apps' passive replies.
 *
 * Only the subset Tencent uses is accepted: one `<xml>` root, child elements,
 * text, CDATA and comments. There is no DTD support at all, so XXE and entity
 * expansion (billion laughs) cannot happen: a DOCTYPE, an ENTITY declaration,
 * or any entity reference other than the five predefined ones and numeric
 * character references is an error. Every limit is checked at the moment it is
 * crossed, so a hostile body costs at most one pass over `maxBytes`.
 *
 * Decisions:
 * - Attributes are rejected ('malformed'): Tencent sends none, and ignoring
 *   them would archive a message that differs from what was sent.
 * - One leading UTF-8 BOM is accepted (XML 1.0 §4.3.3 allows it; .NET and PHP
 *   apps emit it); a declared encoding other than UTF-8 is rejected.
 * - Text is kept verbatim (no trimming, no line-end normalisation) so the
 *   archive holds exactly what was sent; whitespace-only text between child
 *   elements is dropped; non-whitespace text next to child elements (mixed
 *   content) is rejected.
 * - Repeated sibling elements become an array, in document order.
 * Error messages carry an offset, never body text.
 */
import type { XmlObject } from '../../canonical/chat-event';

/** Why a document was rejected. */
export type XmlParseErrorCode = 'too-large' | 'too-deep' | 'too-many-elements' | 'doctype' | 'entity' | 'malformed' | 'not-xml-root';

/** A rejected document; `message` never contains any part of the input. */
export class XmlParseError extends Error {
  constructor(readonly code: XmlParseErrorCode, message: string) {
    super(message);
    this.name = 'XmlParseError';
  }
}

/** Parser limits; the defaults fit every Tencent push with a wide margin. */
export interface XmlLimits {
  /** Whole document, UTF-8 bytes. */
  maxBytes: number;
  /** Element nesting; `<xml>` is depth 1. */
  maxDepth: number;
  /** Elements in the whole document, root included. */
  maxElements: number;
  /** Text of one element (all its text and CDATA pieces), UTF-8 bytes. */
  maxTextBytes: number;
}

/** Default limits: 64 KiB input, depth 8, 256 elements, 32 KiB per text value. */
export const DEFAULT_XML_LIMITS: Readonly<XmlLimits> = Object.freeze({ maxBytes: 64 * 1024, maxDepth: 8, maxElements: 256, maxTextBytes: 32 * 1024 });

const NAME = /[A-Za-z_][A-Za-z0-9_.-]*/y;
const XML_DECL = /^<\?xml(?:\s+version\s*=\s*(["'])1\.\d\1)?(?:\s+encoding\s*=\s*(["'])([A-Za-z][A-Za-z0-9._-]*)\2)?(?:\s+standalone\s*=\s*(["'])(?:yes|no)\4)?\s*\?>/;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };
const WHITESPACE_ONLY = /^[ \t\r\n]*$/;

/**
 * Parse a Tencent-style XML document into an XmlObject (the children of `<xml>`).
 * @throws XmlParseError
 */
export function parseXml(input: string | Uint8Array, limits: Partial<XmlLimits> = {}): XmlObject {
  const lim: XmlLimits = { ...DEFAULT_XML_LIMITS, ...limits };
  return new Parser(decode(input, lim.maxBytes), lim).document();
}

/** Size check before any work, strict UTF-8 decode, and one optional BOM dropped. */
function decode(input: string | Uint8Array, maxBytes: number): string {
  let text: string;
  if (typeof input === 'string') {
    // length <= byteLength, so the cheap check first bounds the cost of the exact one.
    if (input.length > maxBytes || Buffer.byteLength(input, 'utf8') > maxBytes) throw new XmlParseError('too-large', `document exceeds ${maxBytes} bytes`);
    text = input;
  } else {
    if (input.byteLength > maxBytes) throw new XmlParseError('too-large', `document exceeds ${maxBytes} bytes`);
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(input);
    } catch {
      throw new XmlParseError('malformed', 'document is not valid UTF-8');
    }
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

class Parser {
  private pos = 0;
  private elements = 0;

  constructor(private readonly s: string, private readonly lim: XmlLimits) {}

  document(): XmlObject {
    this.declaration();
    this.misc();
    if (this.s[this.pos] !== '<') this.fail('malformed', 'expected the root element');
    const root = this.element(1).value;
    this.skipWhitespace();
    if (this.pos < this.s.length) {
      this.markup(); // a DOCTYPE or PI after the root gets its specific code
      this.fail('malformed', 'content after the root element');
    }
    if (typeof root === 'string') {
      if (root.length > 0 && !WHITESPACE_ONLY.test(root)) this.fail('malformed', 'text directly inside <xml>');
      return {};
    }
    return root;
  }

  /** The optional `<?xml …?>` declaration, only at the very start. */
  private declaration(): void {
    if (!this.s.startsWith('<?xml', 0) || !/[\s?]/.test(this.s[5] ?? '')) return;
    const m = XML_DECL.exec(this.s);
    if (!m) this.fail('malformed', 'bad XML declaration');
    if (m[3] !== undefined && !/^utf-?8$/i.test(m[3])) this.fail('malformed', 'only UTF-8 documents are accepted');
    this.pos = m[0].length;
  }

  /** Whitespace and comments before the root. */
  private misc(): void {
    for (;;) {
      this.skipWhitespace();
      if (this.s.startsWith('<!--', this.pos)) this.comment();
      else return this.markup();
    }
  }

  /** Fail with the specific code for markup that is never allowed here; otherwise return. */
  private markup(): void {
    const at = this.pos;
    if (this.s.startsWith('<!DOCTYPE', at)) {
      // Report entity declarations as such: they are the XXE / billion-laughs payload.
      this.fail(this.s.includes('<!ENTITY', at) ? 'entity' : 'doctype', 'DOCTYPE is not allowed');
    }
    if (this.s.startsWith('<!ENTITY', at)) this.fail('entity', 'ENTITY declarations are not allowed');
    if (this.s.startsWith('<?', at)) this.fail('malformed', 'processing instructions are not allowed');
    if (this.s.startsWith('<!', at) && !this.s.startsWith('<!--', at) && !this.s.startsWith('<![CDATA[', at)) {
      this.fail('malformed', 'markup declarations are not allowed');
    }
  }

  /** One element starting at '<': its name, and its text or its children. */
  private element(depth: number): { name: string; value: string | XmlObject } {
    this.pos++;
    const name = this.name();
    if (this.pos >= this.s.length) this.fail('malformed', 'unexpected end of document');
    if (depth === 1 && name !== 'xml') this.fail('not-xml-root', 'root element must be <xml>');
    if (depth > this.lim.maxDepth) this.fail('too-deep', `elements nest deeper than ${this.lim.maxDepth}`);
    if (++this.elements > this.lim.maxElements) this.fail('too-many-elements', `more than ${this.lim.maxElements} elements`);
    this.skipWhitespace();
    if (this.s.startsWith('/>', this.pos)) {
      this.pos += 2;
      return { name, value: '' };
    }
    if (this.s[this.pos] !== '>') this.fail('malformed', this.pos < this.s.length ? 'attributes are not allowed' : 'unexpected end of document');
    this.pos++;
    return { name, value: this.content(name, depth) };
  }

  private content(name: string, depth: number): string | XmlObject {
    const children: XmlObject = {};
    let hasChildren = false;
    let text = '';
    let textBytes = 0;
    let significant = false; // non-whitespace text or any CDATA
    const addText = (piece: string, cdata: boolean): void => {
      textBytes += Buffer.byteLength(piece, 'utf8');
      if (textBytes > this.lim.maxTextBytes) this.fail('too-large', `a text value exceeds ${this.lim.maxTextBytes} bytes`);
      text += piece;
      if (cdata || !WHITESPACE_ONLY.test(piece)) significant = true;
    };
    for (;;) {
      const lt = this.s.indexOf('<', this.pos);
      if (lt < 0) this.fail('malformed', 'unexpected end of document');
      if (lt > this.pos) addText(this.text(this.s.slice(this.pos, lt)), false);
      this.pos = lt;
      if (this.s.startsWith('</', lt)) break;
      if (this.s.startsWith('<![CDATA[', lt)) {
        const end = this.s.indexOf(']]>', lt + 9);
        if (end < 0) this.fail('malformed', 'unterminated CDATA section');
        addText(this.s.slice(lt + 9, end), true);
        this.pos = end + 3;
      } else if (this.s.startsWith('<!--', lt)) {
        this.comment();
      } else {
        this.markup();
        const child = this.element(depth + 1);
        hasChildren = true;
        // Element values are never arrays, so an array here is one this loop made for repeats.
        const prev = Object.hasOwn(children, child.name) ? children[child.name] : undefined;
        if (prev === undefined) children[child.name] = child.value;
        else if (Array.isArray(prev)) prev.push(child.value);
        else children[child.name] = [prev, child.value];
      }
      if (hasChildren && significant) this.fail('malformed', 'mixed text and element content');
    }
    this.pos += 2;
    if (this.name() !== name) this.fail('malformed', 'closing tag does not match');
    this.skipWhitespace();
    if (this.s[this.pos] !== '>') this.fail('malformed', 'bad closing tag');
    this.pos++;
    return hasChildren ? children : text;
  }

  /** Resolve character and predefined entity references in a text run. */
  private text(raw: string): string {
    if (raw.includes(']]>')) this.fail('malformed', '"]]>" in text');
    if (!raw.includes('&')) return raw;
    return raw.replace(/&([^;&<]{0,12})(;?)/g, (_m, ref: string, semi: string) => {
      if (!semi) return this.fail('malformed', 'unterminated entity reference');
      const predefined = PREDEFINED[ref];
      if (predefined !== undefined && Object.hasOwn(PREDEFINED, ref)) return predefined;
      const num = /^#(?:([0-9]{1,7})|x([0-9A-Fa-f]{1,6}))$/.exec(ref);
      if (num) {
        const cp = num[1] !== undefined ? Number(num[1]) : parseInt(num[2] ?? '', 16);
        if (isXmlChar(cp)) return String.fromCodePoint(cp);
        return this.fail('entity', 'character reference to a character XML does not allow');
      }
      if (/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(ref)) return this.fail('entity', 'entity references other than the predefined five are not allowed');
      return this.fail('malformed', 'bad entity reference');
    });
  }

  private comment(): void {
    const end = this.s.indexOf('-->', this.pos + 4);
    if (end < 0) this.fail('malformed', 'unterminated comment');
    this.pos = end + 3;
  }

  private name(): string {
    NAME.lastIndex = this.pos;
    const m = NAME.exec(this.s);
    // `__proto__` would rewrite the prototype of a plain object instead of adding a key.
    if (!m || m[0] === '__proto__') return this.fail('malformed', this.pos < this.s.length ? 'bad element name' : 'unexpected end of document');
    this.pos += m[0].length;
    return m[0];
  }

  private skipWhitespace(): void {
    while (this.pos < this.s.length && ' \t\r\n'.includes(this.s[this.pos] as string)) this.pos++;
  }

  private fail(code: XmlParseErrorCode, what: string): never {
    throw new XmlParseError(code, `${what} (at offset ${this.pos})`);
  }
}

/** XML 1.0 Char production: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]. */
function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/** The writer lives in xml-build.ts; re-exported so callers import XML from one module. */
export { buildXml, TENCENT_NUMERIC_FIELDS } from './xml-build';
