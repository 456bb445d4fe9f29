/**
 * Raw RSA-unwrap rate of MsgauditKeyring.unwrapRandomKey (one thread, 2048-bit
 * key, PKCS#1 v1.5 with implicit rejection). Run:
 *   tsx connectors/wecom/msgaudit/keys/__tests__/unwrap-rate.bench.ts [count]
 * `measureUnwrapRate` is exported for the end-to-end benchmark to report beside ingestion.
 */
import { MsgauditKeyring } from '../keyring';
import { freshRandomKey, rsaPair, sealRandomKey } from './test-keys';

export interface UnwrapRate {
  count: number;
  microsPerOp: number;
  opsPerSecond: number;
}

/** Unwrap `count` distinct sealed keys (after a warm-up) and time it. */
export function measureUnwrapRate(count = 2000, bits = 2048): UnwrapRate {
  const pair = rsaPair('bench', bits);
  const keyring = new MsgauditKeyring({ 1: pair.pkcs1Pem });
  const sealed = Array.from({ length: Math.min(count, 256) }, () => sealRandomKey(pair.publicKey, freshRandomKey()));
  for (let i = 0; i < 50; i++) keyring.unwrapRandomKey(1, sealed[i % sealed.length] as string);
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) keyring.unwrapRandomKey(1, sealed[i % sealed.length] as string);
  const micros = Number(process.hrtime.bigint() - started) / 1000;
  return { count, microsPerOp: micros / count, opsPerSecond: (count * 1e6) / micros };
}

if (require.main === module) {
  const count = Number(process.argv[2] ?? 2000);
  const rate = measureUnwrapRate(count);
  process.stdout.write(`msgaudit RSA-2048 unwrap: ${rate.microsPerOp.toFixed(1)} µs/op, ${Math.round(rate.opsPerSecond)} op/s on one thread (${rate.count} ops, Node ${process.version}, OpenSSL ${process.versions.openssl})\n`);
}
