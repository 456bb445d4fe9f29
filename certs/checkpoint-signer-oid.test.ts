import { CHECKPOINT_SIGNER_EKU, extendedKeyUsageDer } from './checkpoint-signer-oid';

describe('extendedKeyUsageDer', () => {
  it('encodes id-kp-serverAuth as the well-known DER', () => {
    expect(extendedKeyUsageDer(['1.3.6.1.5.5.7.3.1']).toString('hex')).toBe('300a06082b06010505070301');
  });

  it('encodes a first subidentifier above 127 in base 128 (X.690 §8.19.5 example 2.999.3)', () => {
    expect(extendedKeyUsageDer(['2.999.3']).toString('hex')).toBe('3005060388370' + '3');
  });

  it('encodes the UUID arc of the checkpoint-signer OID (pinned; computed with python big integers)', () => {
    expect(extendedKeyUsageDer([CHECKPOINT_SIGNER_EKU]).toString('hex')).toBe('3015061369ddeff6cfa4b6e28a8b9694ddaceeeec9ff6d');
  });

  it('rejects strings that are not OIDs', () => {
    for (const bad of ['', '1', '3.1', '1.40', '1.2.x', '1..2']) expect(() => extendedKeyUsageDer([bad])).toThrow(RangeError);
  });
});
