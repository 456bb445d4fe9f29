/**
 * The extended key usage that makes a certificate an archive-checkpoint
 * signer. It is a UUID-based OID (ITU-T X.667, arc 2.25): unique without
 * registering an enterprise number, generated once for this product, fixed
 * forever (verifiers years from now look for it).
 *
 * Its last arc is 128 bits, more than node-forge can encode or parse: forge's
 * certificateFromPem throws on such a certificate. Read signer certificates
 * with node:crypto's X509Certificate (and cert-checks.ts), never with forge.
 */

/** OID of the archive-checkpoint-signer extended key usage. */
export const CHECKPOINT_SIGNER_EKU = '2.25.62390258530252786245499579321176719341';

/** DER of an ExtKeyUsageSyntax (SEQUENCE OF OBJECT IDENTIFIER) for any OIDs, arcs of any size. */
export function extendedKeyUsageDer(oids: readonly string[]): Buffer {
  return derTlv(0x30, Buffer.concat(oids.map((oid) => derTlv(0x06, oidBody(oid)))));
}

function oidBody(oid: string): Buffer {
  const arcs = oid.split('.').map((arc) => {
    if (!/^\d+$/.test(arc)) throw new RangeError(`not an OID: ${oid}`);
    return BigInt(arc);
  });
  const [first, second, ...rest] = arcs;
  if (first === undefined || second === undefined || first > 2n || (first < 2n && second > 39n)) throw new RangeError(`not an OID: ${oid}`);
  return Buffer.from([first * 40n + second, ...rest].flatMap(base128));
}

/** X.690 §8.19: big-endian base 128, high bit set on every byte but the last. */
function base128(value: bigint): number[] {
  const out = [Number(value & 0x7fn)];
  for (let v = value >> 7n; v > 0n; v >>= 7n) out.unshift(Number(v & 0x7fn) | 0x80);
  return out;
}

function derTlv(tag: number, body: Buffer): Buffer {
  if (body.length < 0x80) return Buffer.concat([Buffer.from([tag, body.length]), body]);
  const length: number[] = [];
  for (let n = body.length; n > 0; n >>= 8) length.unshift(n & 0xff);
  return Buffer.concat([Buffer.from([tag, 0x80 | length.length, ...length]), body]);
}
