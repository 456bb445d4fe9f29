/**
 * A tiny reader for the XML an account server sends back (passive replies and
 * their encrypted envelopes). Replies are small and flat, so this handles
 * elements, text, CDATA, the five predefined entities and numeric character
 * references — and refuses DOCTYPEs, because Tencent's parser would not expand
 * entities for the account either.
 */
import type { XmlObject, XmlValue } from '../../connectors/canonical/chat-event';

/** Thrown for anything that is not a well-formed reply document. */
export class ReplyXmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplyXmlError';
  }
}

const MAX_DEPTH = 16;
const NAME = /^[A-Za-z_][\w.-]*/;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);|&/g, (match, ref: string | undefined) => {
    if (ref === undefined) throw new ReplyXmlError('bare "&" in text');
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    const named = ENTITIES[ref];
    if (named === undefined) throw new ReplyXmlError(`unknown entity ${match}`);
    return named;
  });
}

class Cursor {
  pos = 0;
  constructor(readonly src: string) {}

  startsWith(token: string): boolean {
    return this.src.startsWith(token, this.pos);
  }

  skipWhitespace(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos] as string)) this.pos++;
  }

  /** Advance past `terminator`, returning what came before it. */
  until(terminator: string, what: string): string {
    const end = this.src.indexOf(terminator, this.pos);
    if (end < 0) throw new ReplyXmlError(`unterminated ${what}`);
    const out = this.src.slice(this.pos, end);
    this.pos = end + terminator.length;
    return out;
  }
}

function readName(cur: Cursor): string {
  const match = NAME.exec(cur.src.slice(cur.pos, cur.pos + 256));
  if (!match) throw new ReplyXmlError(`expected an element name at offset ${cur.pos}`);
  cur.pos += match[0].length;
  return match[0];
}

function addChild(target: XmlObject, name: string, value: XmlValue): void {
  const existing = target[name];
  if (existing === undefined) target[name] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else target[name] = [existing, value];
}

/** Reads one element whose `<` is at the cursor; returns its name and value. */
function readElement(cur: Cursor, depth: number): [string, XmlValue] {
  if (depth > MAX_DEPTH) throw new ReplyXmlError('nesting too deep');
  cur.pos++; // '<'
  const name = readName(cur);
  const rest = cur.until('>', `start tag <${name}`);
  if (rest.endsWith('/')) return [name, ''];
  let text = '';
  const children: XmlObject = {};
  let hasChildren = false;
  for (;;) {
    if (cur.pos >= cur.src.length) throw new ReplyXmlError(`<${name}> is not closed`);
    if (cur.startsWith('<![CDATA[')) {
      cur.pos += 9;
      text += cur.until(']]>', 'CDATA section');
    } else if (cur.startsWith('<!--')) {
      cur.until('-->', 'comment');
    } else if (cur.startsWith('</')) {
      cur.pos += 2;
      const closing = readName(cur);
      if (closing !== name) throw new ReplyXmlError(`</${closing}> closes <${name}>`);
      cur.skipWhitespace();
      if (!cur.startsWith('>')) throw new ReplyXmlError(`malformed end tag </${closing}`);
      cur.pos++;
      break;
    } else if (cur.startsWith('<!') || cur.startsWith('<?')) {
      throw new ReplyXmlError('declarations are not allowed inside a reply');
    } else if (cur.startsWith('<')) {
      const [childName, childValue] = readElement(cur, depth + 1);
      addChild(children, childName, childValue);
      hasChildren = true;
    } else {
      const next = cur.src.indexOf('<', cur.pos);
      const end = next < 0 ? cur.src.length : next;
      text += decodeEntities(cur.src.slice(cur.pos, end));
      cur.pos = end;
    }
  }
  if (!hasChildren) return [name, text];
  if (text.trim() !== '') throw new ReplyXmlError(`<${name}> mixes text and elements`);
  return [name, children];
}

/**
 * Parse a reply document whose root must be `<xml>`.
 * @throws ReplyXmlError when the body is not a single well-formed `<xml>` element.
 */
export function readReplyXml(body: string): XmlObject {
  const cur = new Cursor(body);
  cur.skipWhitespace();
  if (cur.startsWith('<?xml')) cur.until('?>', 'XML declaration');
  cur.skipWhitespace();
  if (cur.startsWith('<!')) throw new ReplyXmlError('DOCTYPE and other declarations are refused');
  if (!cur.startsWith('<')) throw new ReplyXmlError('reply is not XML');
  const [name, value] = readElement(cur, 0);
  cur.skipWhitespace();
  if (cur.pos !== body.length) throw new ReplyXmlError('content after the root element');
  if (name !== 'xml') throw new ReplyXmlError(`root element is <${name}>, expected <xml>`);
  if (typeof value === 'string') {
    if (value.trim() !== '') throw new ReplyXmlError('<xml> holds text, not fields');
    return {};
  }
  return value as XmlObject;
}

/** The text of a top-level or nested field, or undefined when absent or not text. */
export function textOf(value: XmlValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
