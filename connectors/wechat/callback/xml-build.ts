/**
 * Tencent-style XML output: `<xml>` root, every string in CDATA, numbers bare
 * for the fields Tencent itself sends bare, no declaration, no whitespace.
 * Used for forwarded pushes, canonical passive replies and reply envelopes.
 */
import type { XmlObject, XmlValue } from '../../canonical/chat-event';

/** Fields Tencent emits as bare numbers (pushes, replies and reply envelopes). */
export const TENCENT_NUMERIC_FIELDS: ReadonlySet<string> = new Set([
  'CreateTime', 'MsgId', 'MsgID', 'ArticleCount', 'TimeStamp', 'AgentID',
  'Location_X', 'Location_Y', 'Scale', 'Latitude', 'Longitude', 'Precision',
  'Count', 'TotalCount', 'FilterCount', 'SentCount', 'ErrorCount',
]);

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const NUMBER = /^-?[0-9]+(?:\.[0-9]+)?$/;

/**
 * Serialise an XmlObject as `<xml>…</xml>`; arrays become repeated sibling elements.
 * @throws TypeError for an element name that is not a plain XML name or a nested array
 */
export function buildXml(obj: XmlObject, numericFields: ReadonlySet<string> = TENCENT_NUMERIC_FIELDS): string {
  return `<xml>${children(obj, numericFields)}</xml>`;
}

function children(obj: XmlObject, numericFields: ReadonlySet<string>): string {
  let out = '';
  for (const [name, value] of Object.entries(obj)) {
    // Names come from code or from a parsed push; a name is never allowed to inject markup.
    if (!NAME.test(name)) throw new TypeError('element name is not a plain XML name');
    for (const item of Array.isArray(value) ? value : [value]) {
      if (Array.isArray(item)) throw new TypeError('nested arrays have no XML form');
      out += `<${name}>${element(name, item, numericFields)}</${name}>`;
    }
  }
  return out;
}

function element(name: string, value: Exclude<XmlValue, XmlValue[]>, numericFields: ReadonlySet<string>): string {
  if (typeof value !== 'string') return children(value, numericFields);
  if (numericFields.has(name) && NUMBER.test(value)) return value;
  return cdata(value);
}

/** CDATA cannot contain "]]>": close the section between "]]" and ">" and open a new one. */
function cdata(text: string): string {
  return `<![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}
