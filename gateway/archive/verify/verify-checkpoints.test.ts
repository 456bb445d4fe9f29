/** verifyArchive after tampering with signed checkpoints and with the live chain_head rows. */
import { canonicalJson } from '../../../connectors/canonical/json';
import { createCa, createSigningKeyPair } from '../../../certs/pki';
import { signCheckpoint, type SignedCheckpoint } from '../crypto/checkpoint';
import { FIXTURE_SHARDS } from './__tests__/archive-fixture';
import { describeEachFreshArchive } from './__tests__/fresh-archive';
import { chainHead, deleteCheckpoint, findingsOf, headIn, recordAt, setChainHead, storedCheckpoint, updateCheckpoint } from './__tests__/tamper';

const rogueCa = createCa({ commonName: 'cgw dev CA', validityDays: 30 }); // same name as the real CA: only the key differs
const rogueSigner = createSigningKeyPair(rogueCa, { commonName: 'cgw archive checkpoint signer' });

/** A shard whose head moved at checkpoint 2 and again at 3, so checkpoint 2 alone seals its seq there. */
function shardMovingAt2(checkpoints: SignedCheckpoint[]): number {
  const [one, two, three] = checkpoints.map((cp) => (shard: number) => headIn(cp, shard).seq);
  for (let shard = 0; shard < FIXTURE_SHARDS; shard++) if (one!(shard) < two!(shard) && two!(shard) < three!(shard)) return shard;
  throw new Error('no shard moved at both checkpoints 2 and 3: the fixture archive changed');
}

async function resign(ds: Parameters<typeof storedCheckpoint>[0], checkpointSeq: number, signer: { keyPem: string; certPem: string }): Promise<void> {
  const resigned = signCheckpoint((await storedCheckpoint(ds, checkpointSeq)).body, signer.keyPem, signer.certPem);
  await updateCheckpoint(ds, checkpointSeq, { signature: resigned.signature, signerFingerprint: resigned.signerFingerprint, signerCert: resigned.signerCertPem });
}

describeEachFreshArchive('verifyArchive on checkpoints and chain heads', (ctx) => {
  it('reports a checkpoint whose sealed head hash was changed under the old signature, and the head it no longer matches', async () => {
    const shard = shardMovingAt2(ctx.archive.checkpoints);
    const cp = await storedCheckpoint(ctx.dataSource, 2);
    const { seq } = headIn(cp, shard);
    const plausible = (await recordAt(ctx.dataSource, shard, seq - 1)).recordHash;
    const body = { ...cp.body, heads: cp.body.heads.map((h) => (h.shard === shard ? { ...h, hash: plausible } : h)) };
    await updateCheckpoint(ctx.dataSource, 2, { body: canonicalJson(body) });
    const report = await ctx.verify();
    expect(report.ok).toBe(false);
    expect(findingsOf(report)).toEqual({
      chain: [{ kind: 'head-mismatch', shard, seq }],
      checkpoints: [{ kind: 'hash-mismatch', checkpointSeq: 2 }, { kind: 'signature-invalid', checkpointSeq: 2 }],
    });
  });

  it('reports a checkpoint re-signed by a key from a different CA as signer-untrusted', async () => {
    await resign(ctx.dataSource, 2, rogueSigner);
    const report = await ctx.verify();
    expect(report.ok).toBe(false);
    expect(findingsOf(report)).toEqual({ chain: [], checkpoints: [{ kind: 'signer-untrusted', checkpointSeq: 2 }] });
  });

  it('reports a checkpoint re-signed with the trusted CA\'s TLS server key as signer-usage', async () => {
    await resign(ctx.dataSource, 3, ctx.pki.server);
    const report = await ctx.verify();
    expect(report.ok).toBe(false);
    expect(findingsOf(report)).toEqual({ chain: [], checkpoints: [{ kind: 'signer-usage', checkpointSeq: 3 }] });
  });

  it('reports a checkpoint deleted from the middle at the one after it', async () => {
    await deleteCheckpoint(ctx.dataSource, 2);
    const report = await ctx.verify();
    expect(report.ok).toBe(false);
    expect(findingsOf(report)).toEqual({ chain: [], checkpoints: [{ kind: 'seq-step', checkpointSeq: 3 }, { kind: 'prev-mismatch', checkpointSeq: 3 }] });
    expect(report.checkpoints.count).toBe(2);
  });

  it('reports a chain_head row whose hash was altered as head-mismatch', async () => {
    const head = await chainHead(ctx.dataSource, 2);
    await setChainHead(ctx.dataSource, 2, head.seq, (await recordAt(ctx.dataSource, 2, head.seq - 1)).recordHash);
    const report = await ctx.verify();
    expect(report.ok).toBe(false);
    expect(findingsOf(report)).toEqual({ chain: [{ kind: 'head-mismatch', shard: 2, seq: head.seq }], checkpoints: [] });
  });

  it('reports a chain_head row moved back while its records stay as head-mismatch', async () => {
    const head = await chainHead(ctx.dataSource, 3);
    await setChainHead(ctx.dataSource, 3, head.seq - 2, (await recordAt(ctx.dataSource, 3, head.seq - 2)).recordHash);
    const report = await ctx.verify();
    expect(report.ok).toBe(false);
    expect(findingsOf(report)).toEqual({ chain: [{ kind: 'head-mismatch', shard: 3, seq: head.seq - 2 }], checkpoints: [] });
  });

  it('reports a chain_head row moved forward past the last record as seq-gap', async () => {
    const head = await chainHead(ctx.dataSource, 0);
    await setChainHead(ctx.dataSource, 0, head.seq + 3, head.headHash);
    const report = await ctx.verify();
    expect(report.ok).toBe(false);
    expect(findingsOf(report)).toEqual({ chain: [{ kind: 'seq-gap', shard: 0, seq: head.seq + 1 }], checkpoints: [] });
  });

  it('reports a checkpoint body overwritten with text that is not JSON as body-invalid, not a crash', async () => {
    await updateCheckpoint(ctx.dataSource, 3, { body: 'all good, nothing to see' });
    const report = await ctx.verify();
    expect(report.ok).toBe(false);
    expect(findingsOf(report)).toEqual({ chain: [], checkpoints: [{ kind: 'body-invalid', checkpointSeq: null }] });
  });

  it('reports a checkpoint whose heads are not a list as body-invalid, not a crash', async () => {
    const cp = await storedCheckpoint(ctx.dataSource, 3);
    await updateCheckpoint(ctx.dataSource, 3, { body: canonicalJson({ ...cp.body, heads: 7 }) });
    const report = await ctx.verify();
    expect(report.ok).toBe(false);
    expect(findingsOf(report)).toEqual({ chain: [], checkpoints: [{ kind: 'body-invalid', checkpointSeq: 3 }] });
  });
});
