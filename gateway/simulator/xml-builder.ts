/**
 * Builds push XML the way Tencent's servers print it: `<xml>` followed by one
 * element per line, text in CDATA, numbers bare, nested elements opened on the
 * parent's line (see wechat-oa.md §3 and the V5 sample in callback-crypto.md).
 * Deliberately independent of the gateway's own XML parser, so a bug there
 * cannot hide behind the same bug here.
 */

/** One element of a push. */
export type XmlNode =
  | { readonly name: string; readonly cdata: string }
  | { readonly name: string; readonly bare: string }
  | { readonly name: string; readonly children: readonly XmlNode[] };

const ELEMENT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NUMBER = /^-?\d+(\.\d+)?$/;

function checkName(name: string): string {
  if (!ELEMENT_NAME.test(name)) throw new Error(`invalid XML element name: ${name}`);
  return name;
}

/** A text field, wrapped in CDATA. */
export function cdata(name: string, value: string): XmlNode {
  return { name: checkName(name), cdata: value };
}

/** A numeric field, written bare. Strings keep their exact digits (`119.385040`, 64-bit ids). */
export function bare(name: string, value: number | bigint | string): XmlNode {
  const text = String(value);
  if (!NUMBER.test(text)) throw new Error(`${name} must be numeric, got ${JSON.stringify(text)}`);
  return { name: checkName(name), bare: text };
}

/** A nested element. */
export function element(name: string, children: readonly XmlNode[]): XmlNode {
  return { name: checkName(name), children };
}

/** CDATA cannot contain `]]>`; split it across two sections as XML writers do. */
function cdataSection(value: string): string {
  return `<![CDATA[${value.split(']]>').join(']]]]><![CDATA[>')}]]>`;
}

function renderNode(node: XmlNode): string {
  if ('cdata' in node) return `<${node.name}>${cdataSection(node.cdata)}</${node.name}>\n`;
  if ('bare' in node) return `<${node.name}>${node.bare}</${node.name}>\n`;
  return `<${node.name}>${node.children.map(renderNode).join('')}</${node.name}>\n`;
}

/** The complete `<xml>…</xml>` document for a list of top-level fields. */
export function renderXml(fields: readonly XmlNode[]): string {
  return `<xml>${fields.map(renderNode).join('')}</xml>`;
}
