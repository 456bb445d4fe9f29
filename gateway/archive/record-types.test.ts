import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARCHIVE_RECORD_TYPES, isArchiveRecordType } from './record-types';

const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'archive-record-types.md'), 'utf8');
const documented = [...doc.matchAll(/^\| `([a-z0-9.]+)` \|/gm)].map((m) => m[1]!);

describe('archive record type registry', () => {
  it('documents every registered record type', () => {
    expect(documented.sort()).toEqual(Object.keys(ARCHIVE_RECORD_TYPES).sort());
  });

  it('recognises registered codes and nothing else', () => {
    expect(isArchiveRecordType('oa.inbound')).toBe(true);
    expect(isArchiveRecordType('oa.inbound ')).toBe(false);
    expect(isArchiveRecordType('toString')).toBe(false);
  });
});
