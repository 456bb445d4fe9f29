import type { DataSource } from 'typeorm';
import { MemoryKeyStore } from '../archive/crypto/memory-key-store';
import { tencentConfigSchema } from './config';
import { createUpstream } from './create-upstream';
import { oaTokenKey, wecomTokenKey } from './token-key';

// Construction touches no database; the data source is only handed to the stores.
const dataSource = { options: { type: 'better-sqlite3' } } as unknown as DataSource;

describe('createUpstream', () => {
  it('has a token source for every OA account and every WeCom app secret', () => {
    const upstream = createUpstream({
      config: tencentConfigSchema.parse({}),
      oaAccounts: [{ appId: 'wx0000000000000001', appSecret: 'a'.repeat(32) }],
      wecomCorps: [{ corpId: 'ww0000000000000002', secrets: { app: 's'.repeat(43), contacts: 'c'.repeat(43) } }],
      dataSource,
      keyStore: new MemoryKeyStore(),
    });
    try {
      expect(upstream.tokens.keys()).toEqual([oaTokenKey('wx0000000000000001'), wecomTokenKey('ww0000000000000002', 'app'), wecomTokenKey('ww0000000000000002', 'contacts')]);
      expect(upstream.tokens.sourceOf(oaTokenKey('wx0000000000000001'))).toMatchObject({ product: 'oa', canForce: true });
      expect(upstream.tokens.sourceOf(wecomTokenKey('ww0000000000000002', 'app'))).toMatchObject({ product: 'wecom', canForce: false });
    } finally {
      upstream.close();
    }
  });

  it('refuses an unreadable tencent.caFile, naming it', () => {
    const config = tencentConfigSchema.parse({ caFile: '/nonexistent/egress-ca.pem' });
    expect(() => createUpstream({ config, oaAccounts: [], dataSource, keyStore: new MemoryKeyStore() })).toThrow('tencent.caFile /nonexistent/egress-ca.pem cannot be read (ENOENT)');
  });
});
