/**
 * The bank's login page for the bind tests: a tiny HTTP server that asks for
 * a customer number, signs an assertion (ES256, a key pair jose made in the
 * test) naming it and the trip's `state`, and sends the browser back to the
 * gateway — by a 302 (GET) or by a form the user submits (POST). It publishes
 * its key as a JWKS. `tamper` makes it sign the ways a broken or hostile bank
 * would.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';

/** How the next assertions are made wrong. */
export type Tamper = 'none' | 'other-key' | 'wrong-audience' | 'wrong-issuer' | 'expired' | 'other-state' | 'too-long-lived';

export interface FakeBank {
  url: string;
  loginUrl: string;
  jwksUrl: string;
  issuer: string;
  audience: string;
  tamper: Tamper;
  /** How the bank sends the browser back. */
  returnWith: 'get' | 'post';
  /** Every assertion signed, newest last. */
  issued: string[];
  close(): Promise<void>;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title>
<style>body{font:17px/1.6 sans-serif;margin:0;padding:24px;background:#0b3d91;color:#fff}form{background:#fff;color:#111;border-radius:12px;padding:20px}input,button{display:block;width:100%;font-size:18px;min-height:48px;margin:8px 0;box-sizing:border-box}button{background:#0b3d91;color:#fff;border:0;border-radius:8px}</style></head><body><h1>示例银行 · Example Bank</h1>${body}</body></html>`;
}

/** Start the bank. */
export async function startFakeBank(audience = 'cgw-bind'): Promise<FakeBank> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const other = await generateKeyPair('ES256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'bank-1', alg: 'ES256', use: 'sig' };

  const bank: FakeBank = { url: '', loginUrl: '', jwksUrl: '', issuer: '', audience, tamper: 'none', returnWith: 'get', issued: [], close: async () => undefined };

  async function sign(state: string, cif: string): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    let iat = now;
    let exp = now + 120;
    if (bank.tamper === 'expired') [iat, exp] = [now - 200, now - 60];
    if (bank.tamper === 'too-long-lived') exp = now + 3600;
    const jwt = await new SignJWT({ cif, state: bank.tamper === 'other-state' ? `${state}X` : state })
      .setProtectedHeader({ alg: 'ES256', kid: 'bank-1' })
      .setIssuer(bank.tamper === 'wrong-issuer' ? 'https://not-the-bank.example' : bank.issuer)
      .setAudience(bank.tamper === 'wrong-audience' ? 'someone-else' : bank.audience)
      .setJti(randomBytes(12).toString('hex'))
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(bank.tamper === 'other-key' ? other.privateKey : privateKey);
    bank.issued.push(jwt);
    return jwt;
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', bank.url);
    if (req.method === 'GET' && url.pathname === '/jwks.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/login') {
      const state = url.searchParams.get('state') ?? '';
      const redirectUri = url.searchParams.get('redirect_uri') ?? '';
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page('登录', `<form method="post" action="/login"><label>客户号 Customer number<input name="cif" autocomplete="off"></label><label>密码 Password<input name="password" type="password"></label><input type="hidden" name="state" value="${esc(state)}"><input type="hidden" name="redirect_uri" value="${esc(redirectUri)}"><button type="submit" id="bank-login">登录并绑定 Log in and link</button></form>`));
      return;
    }
    if (req.method === 'POST' && url.pathname === '/login') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        const state = form.get('state') ?? '';
        const redirectUri = form.get('redirect_uri') ?? '';
        void sign(state, form.get('cif') ?? '').then((assertion) => {
          if (bank.returnWith === 'get') {
            const back = new URL(redirectUri);
            back.searchParams.set('state', state);
            back.searchParams.set('assertion', assertion);
            res.writeHead(302, { location: back.toString() });
            res.end();
            return;
          }
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end(page('返回', `<form method="post" action="${esc(redirectUri)}"><input type="hidden" name="state" value="${esc(state)}"><input type="hidden" name="assertion" value="${esc(assertion)}"><button type="submit" id="bank-continue">返回公众号 Continue</button></form>`));
        });
      });
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  bank.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  bank.loginUrl = `${bank.url}/login`;
  bank.jwksUrl = `${bank.url}/jwks.json`;
  bank.issuer = bank.url;
  bank.close = () => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  return bank;
}
