/**
 * Issue 4, item 5: the approval workflow end to end, on a real gateway with
 * real SSO tokens (a real oidc-provider; roles and groups in the claims).
 * A held message is answered as sent (errcode 0, gateway msgid) and visible
 * to the app (extension fields, status endpoint, signed outcome events);
 * officers approve (two distinct ones where the route says so), reject with
 * a reason or comment through the admin API and `cgw approvals`; the owner
 * group never approves; held messages expire; release re-evaluates; every
 * action is audited with who, when, what and the content hash, and archived.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { runCli } from '../../admin-cli/__tests__/run-cli';
import { loadOpenApi } from '../../gateway/admin-api/spec';
import { ConnectionGate } from '../../gateway/db/connection-gate';
import { OA_CONTACT_ENTITY, type OaContactRow } from '../../gateway/db/entities';
import { DATABASE_KINDS } from '../db';
import { until } from '../until';
import { testAppCredentials } from '../gateway-harness';
import { call, type Answer } from '../admin/admin-server';
import { startOidcProvider, type TestIdentity, type TestOidcProvider } from '../admin/oidc-provider';
import { oaSdks } from './sdks';
import { ACCOUNT_ID, startOutboundHarness, type OutboundHarness } from './outbound-harness';

jest.setTimeout(120_000);

const AUDIENCE = 'urn:cgw:admin';
const HOUR = 3_600_000;
const CUSTOM = '/cgi-bin/message/custom/send';
const MASS = '/cgi-bin/message/mass/send';
/** The default policy holds this word (lexicon.held): the default route, one approver of `compliance`, 24 h. */
const HELD_TEXT = 'This fund is guaranteed to outperform';

const officer = (groups: string[]): TestIdentity => ({ claims: { roles: ['compliance-officer'], groups }, ttlSeconds: 3600 });
const IDENTITIES: Record<string, TestIdentity> = {
  'officer-wang': officer(['compliance', 'marketing-compliance']),
  'officer-chen': officer(['compliance', 'marketing-compliance']),
  'officer-zhao': officer(['compliance', 'marketing-compliance']),
  // In the harness app's owner group, and in every approver group too: still never an approver of its messages.
  'crm-officer': officer(['crm-team', 'compliance', 'marketing-compliance']),
  'outside-officer': officer(['other-team']),
  'auditor-li': { claims: { roles: ['auditor'], groups: ['internal-audit'] }, ttlSeconds: 3600 },
};

let provider: TestOidcProvider;
const jwt = new Map<string, string>();
beforeAll(async () => {
  provider = await startOidcProvider(IDENTITIES, [AUDIENCE]);
  for (const id of Object.keys(IDENTITIES)) jwt.set(id, await provider.token(id));
});
afterAll(async () => provider?.stop());

/** The spec's schema `name`, compiled as the gateway compiles its request schemas. */
function specSchema(name: string) {
  const doc = loadOpenApi();
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'cgw-spec', $defs: JSON.parse(JSON.stringify(doc.components.schemas).replaceAll('#/components/schemas/', 'cgw-spec#/$defs/')) });
  return ajv.getSchema(`cgw-spec#/$defs/${name}`)!;
}

/** One outcome event as the app's events endpoint received it. */
interface OutcomePost {
  raw: string;
  signature: string;
  event: Record<string, unknown>;
  answered: number;
}

/** The app's events endpoint: records every POST; answers 500 to the first `n` posts about a msgid when told to. */
async function startEventsReceiver() {
  const posts: OutcomePost[] = [];
  const failures = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      const event = JSON.parse(raw) as Record<string, unknown>;
      const left = failures.get(String(event.cgw_msgid)) ?? 0;
      if (left > 0) failures.set(String(event.cgw_msgid), left - 1);
      const answered = left > 0 ? 500 : 200;
      posts.push({ raw, signature: String(req.headers['x-cgw-signature'] ?? ''), event, answered });
      res.statusCode = answered;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/cgw-events`,
    failFirst: (msgid: string, n: number) => failures.set(msgid, n),
    about: (msgid: string) => posts.filter((p) => p.event.cgw_msgid === msgid),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

describe.each(DATABASE_KINDS)('the approval workflow end to end (%s)', (kind) => {
  let h: OutboundHarness;
  let events: Awaited<ReturnType<typeof startEventsReceiver>>;
  // The gateway's clock: moved forward to let held messages pass their TTL.
  let skewMs = 0;
  const now = () => Date.now() + skewMs;
  const wealth = testAppCredentials();

  beforeAll(async () => {
    events = await startEventsReceiver();
    h = await startOutboundHarness({
      kind,
      appOverlay: { eventsUrl: events.url },
      extraApps: [{ id: 'wealth', credentials: wealth, sends: [ACCOUNT_ID], owners: ['wealth-team'] }],
      overlay: { admin: { localToken: { enabled: true }, oidc: { issuer: provider.issuer, audience: AUDIENCE, jwksUri: provider.jwksUri, algorithms: ['RS256'] } } },
      // No sweeper: the tests run expiry themselves, so "past its TTL but not yet swept" is a state they can see.
      gatewayOptions: { now, housekeeping: false },
    });
  });
  afterAll(async () => {
    await h?.close({ drop: true });
    await events?.close();
  });

  const admin = (path: string, as: string, json?: unknown): Promise<Answer> => call(`${h.url}/admin/v1`, path, { token: jwt.get(as)!, ...(json === undefined ? {} : { json }) });
  const approve = (id: string, as: string, note?: string) => admin(`/approvals/${id}/approve`, as, note === undefined ? {} : { note });
  const reject = (id: string, as: string, reason: string) => admin(`/approvals/${id}/reject`, as, { reason });
  const comment = (id: string, as: string, text: string) => admin(`/approvals/${id}/comment`, as, { text });
  const received = (path: string, marker: string) => h.sim.received({ path }).filter((m) => JSON.stringify(m.body).includes(marker));
  const stored = async (id: string) => (await h.gateway.outbound.messages.get(Number(id)))!;

  const appToken = async (creds: { appId: string; appSecret: string } = h.app) => {
    const res = await fetch(`${h.oaBase}/cgi-bin/token?grant_type=client_credential&appid=${creds.appId}&secret=${creds.appSecret}`);
    return ((await res.json()) as { access_token: string }).access_token;
  };
  const postAsApp = async (path: string, body: unknown, creds?: { appId: string; appSecret: string }) => {
    const res = await fetch(`${h.oaBase}/cgi-bin/${path}?access_token=${await appToken(creds)}`, { method: 'POST', body: JSON.stringify(body) });
    return (await res.json()) as Record<string, unknown>;
  };
  const messageStatus = async (msgid: string, creds?: { appId: string; appSecret: string }) =>
    (await (await fetch(`${h.oaBase}/cgw/message/status?access_token=${await appToken(creds)}&msgid=${msgid}`)).json()) as Record<string, unknown>;

  /** A customer-service text the default policy holds; resolves with its gateway msgid. */
  const holdText = async (marker: string, openid?: string): Promise<string> => {
    const to = openid ?? (await h.followerWhoWrote());
    const answer = await postAsApp('message/custom/send', { touser: to, msgtype: 'text', text: { content: `${HELD_TEXT} ${marker}` } });
    expect(answer).toMatchObject({ errcode: 0, cgw_status: 'held' });
    return String(answer.cgw_msgid);
  };
  /** A mass send to two followers: held for two distinct approvers of marketing-compliance. */
  const holdMass = async (marker: string): Promise<string> => {
    const followers = [await h.followerWhoWrote(), await h.followerWhoWrote()];
    const answer = await postAsApp('message/mass/send', { touser: followers, msgtype: 'text', text: { content: `本周理财讲座 ${marker}` } });
    expect(answer).toMatchObject({ errcode: 0, cgw_status: 'held' });
    return String(answer.cgw_msgid);
  };
  /** The outcome event for `msgid` the app finally accepted. */
  const acceptedOutcome = (msgid: string) => until(`the outcome event of ${msgid}`, () => events.about(msgid).find((p) => p.answered === 200));
  const expectSigned = (post: OutcomePost, appSecret: string) => {
    const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(post.signature);
    expect(match).not.toBeNull();
    expect(match![2]).toBe(createHmac('sha256', appSecret).update(`${match![1]}.${post.raw}`).digest('hex'));
  };
  const expectProblem = (answer: Answer, status: number, slug: string) => {
    expect({ status: answer.status, contentType: answer.contentType, type: answer.body?.type }).toEqual({ status, contentType: 'application/problem+json', type: `https://cgw.dev/problems/${slug}` });
  };

  it('answers a held message errcode 0 with cgw_status held and the gateway msgid, so an unmodified SDK reports success', async () => {
    const openid = await h.followerWhoWrote();
    const marker = `sdk-held-${kind}`;
    const sdk = oaSdks(h.oaBase, h.app.appId, h.app.appSecret).find((s) => s.name === 'co-wechat-api')!;
    const answer = await sdk.sendText(openid, `${HELD_TEXT} ${marker}`);
    expect(answer).toMatchObject({ errcode: 0, errmsg: 'ok', cgw_status: 'held', cgw_policy_version: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(answer.msgid).toBe(Number(answer.cgw_msgid));
    expect(answer.cgw_reasons).toContain('lexicon.held');
    expect(received(CUSTOM, marker)).toHaveLength(0);
  });

  it("shows the hold on the status endpoint to the sending app only (another app's msgid is 40003)", async () => {
    const before = now();
    const msgid = await holdText(`status-${kind}`);
    const status = await messageStatus(msgid);
    expect(status).toMatchObject({ errcode: 0, cgw_msgid: msgid, status: 'held', kind: 'oa.custom', approvals: 0, approvals_required: 1, tencent_msgid: null });
    expect(status.reason_codes).toContain('lexicon.held');
    // The default route's TTL is 24 hours.
    expect(status.expires_at).toBeGreaterThanOrEqual(Math.floor((before + 24 * HOUR) / 1000));
    expect(status.expires_at).toBeLessThanOrEqual(Math.ceil((now() + 24 * HOUR) / 1000));
    expect(await messageStatus(msgid, wealth)).toMatchObject({ errcode: 40003 });

    const wealthOpenid = await h.followerWhoWrote();
    const wealthAnswer = await postAsApp('message/custom/send', { touser: wealthOpenid, msgtype: 'text', text: { content: `${HELD_TEXT} wealth-${kind}` } }, wealth);
    expect(wealthAnswer).toMatchObject({ errcode: 0, cgw_status: 'held' });
    expect(await messageStatus(String(wealthAnswer.cgw_msgid), wealth)).toMatchObject({ errcode: 0, status: 'held' });
    expect(await messageStatus(String(wealthAnswer.cgw_msgid))).toMatchObject({ errcode: 40003 });
  });

  it('needs two distinct approvers for a mass send: the first leaves it pending, the same officer again is 409, the second delivers it exactly once', async () => {
    const marker = `four-eyes-${kind}`;
    const msgid = await holdMass(marker);

    const first = await approve(msgid, 'officer-wang', 'content checked');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ messageId: msgid, status: 'pending', approvalsCount: 1, requiredApprovals: 2 });
    await new Promise((r) => setTimeout(r, 300));
    expect(received(MASS, marker)).toHaveLength(0);
    expect(await messageStatus(msgid)).toMatchObject({ status: 'held', approvals: 1, approvals_required: 2 });

    expectProblem(await approve(msgid, 'officer-wang'), 409, 'duplicate-approver');
    expect(await stored(msgid)).toMatchObject({ status: 'held', approvalsCount: 1 });

    const second = await approve(msgid, 'officer-chen');
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ messageId: msgid, status: 'approved', approvalsCount: 2, requiredApprovals: 2 });
    await until('the mass send at Tencent', () => (received(MASS, marker).length > 0 ? true : undefined));
    await until('the delivered state', async () => ((await stored(msgid)).status === 'delivered' ? true : undefined));
    await new Promise((r) => setTimeout(r, 300));
    expect(received(MASS, marker)).toHaveLength(1);

    const shown = await admin(`/approvals/${msgid}`, 'auditor-li');
    expect(shown.body.approvals).toEqual([
      { subject: 'officer-wang', at: expect.any(String), note: 'content checked' },
      { subject: 'officer-chen', at: expect.any(String) },
    ]);
  });

  it('releases a message once when the last two approvals arrive together, and counts one approver once when they approve twice at once', async () => {
    const marker = `race-${kind}`;
    const msgid = await holdMass(marker);
    const twice = await Promise.all([approve(msgid, 'officer-wang'), approve(msgid, 'officer-wang')]);
    expect(twice.map((a) => a.status).sort()).toEqual([200, 409]);
    expectProblem(twice.find((a) => a.status === 409)!, 409, 'duplicate-approver');
    expect(await stored(msgid)).toMatchObject({ status: 'held', approvalsCount: 1 });

    const last = await Promise.all([approve(msgid, 'officer-chen'), approve(msgid, 'officer-zhao')]);
    expect(last.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(last.find((a) => a.status === 200)!.body).toMatchObject({ status: 'approved', approvalsCount: 2 });
    expectProblem(last.find((a) => a.status === 409)!, 409, 'approval-not-pending');
    await until('the mass send at Tencent', () => (received(MASS, marker).length > 0 ? true : undefined));
    await new Promise((r) => setTimeout(r, 300));
    expect(received(MASS, marker)).toHaveLength(1);
    expect(await stored(msgid)).toMatchObject({ status: 'delivered', approvalsCount: 2 });
    expect((await h.gateway.outbound.messages.actions(Number(msgid))).map((a) => a.action)).toEqual(['approve', 'approve']);
  });

  it('lets exactly one of an approval and a rejection arriving together win, and delivers only if the approval did', async () => {
    const marker = `approve-or-reject-${kind}`;
    const msgid = await holdText(marker);
    const [approved, rejected] = await Promise.all([approve(msgid, 'officer-wang'), reject(msgid, 'officer-chen', 'not suitable')]);
    expect([approved.status, rejected.status].sort()).toEqual([200, 409]);
    const approvalWon = approved.status === 200;
    expectProblem(approvalWon ? rejected : approved, 409, 'approval-not-pending');
    if (approvalWon) await until('delivery', async () => ((await stored(msgid)).status === 'delivered' ? true : undefined));
    await new Promise((r) => setTimeout(r, 300));
    expect(await stored(msgid)).toMatchObject({ status: approvalWon ? 'delivered' : 'rejected' });
    expect(received(CUSTOM, marker)).toHaveLength(approvalWon ? 1 : 0);
    expect((await h.gateway.outbound.messages.actions(Number(msgid))).map((a) => a.action)).toEqual([approvalWon ? 'approve' : 'reject']);
  });

  it('keeps messages that were never held out of the approvals API (404), while their status stays readable', async () => {
    const openid = await h.followerWhoWrote();
    const answer = await postAsApp('message/custom/send', { touser: openid, msgtype: 'text', text: { content: `您好 never-held-${kind}` } });
    expect(answer).toMatchObject({ errcode: 0, cgw_status: 'delivered' });
    const msgid = String(answer.cgw_msgid);
    expectProblem(await admin(`/approvals/${msgid}`, 'officer-wang'), 404, 'not-found');
    expectProblem(await approve(msgid, 'officer-wang'), 404, 'not-found');
    expectProblem(await comment(msgid, 'officer-wang', 'looks fine'), 404, 'not-found');
    expect(await h.gateway.outbound.messages.actions(Number(msgid))).toEqual([]);
    expect((await admin(`/messages/${msgid}`, 'officer-wang')).body).toMatchObject({ messageId: msgid, state: 'delivered', decisionOutcome: 'allow' });
  });

  it("refuses the app's owner group (403 self-approval, even with the role and the approver group), an officer outside the approver group (403) and an auditor (403 by role), who may still read it", async () => {
    const marker = `refusals-${kind}`;
    const msgid = await holdMass(marker);
    const { contentHash } = await stored(msgid);

    expectProblem(await approve(msgid, 'crm-officer'), 403, 'self-approval');
    expectProblem(await reject(msgid, 'crm-officer', 'looks fine to me'), 403, 'self-approval');
    expectProblem(await approve(msgid, 'outside-officer'), 403, 'not-in-approver-group');
    expectProblem(await approve(msgid, 'auditor-li'), 403, 'forbidden');
    const read = await admin(`/approvals/${msgid}`, 'auditor-li');
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ messageId: msgid, status: 'pending', approverGroup: 'marketing-compliance', ownerGroup: 'crm-team', approvals: [] });
    expect(await stored(msgid)).toMatchObject({ status: 'held', approvalsCount: 0 });
    expect(received(MASS, marker)).toHaveLength(0);

    // Refused attempts are evidence too: who tried, on which content.
    const refused = await admin(`/audit-events?target=${msgid}&type=admin.approval.approve&outcome=failure&order=asc`, 'auditor-li');
    expect(refused.body.items.map((e: { actor: { subject: string }; contentHash: string | null; details: { problem: string } }) => [e.actor.subject, e.details.problem, e.contentHash])).toEqual([
      ['crm-officer', 'self_approval', contentHash],
      ['outside-officer', 'not_in_group', contentHash],
    ]);
    const denied = await admin(`/audit-events?type=admin.access.denied&actor=auditor-li&target=approveMessage`, 'auditor-li');
    expect(denied.body.items.length).toBeGreaterThanOrEqual(1);
  });

  it('rejects with a reason: never delivered, shown with who and why, the app told; a later approval is 409 not-pending', async () => {
    const marker = `rejected-${kind}`;
    const msgid = await holdText(marker);
    expectProblem(await admin(`/approvals/${msgid}/reject`, 'officer-wang', {}), 400, 'validation-failed');
    expectProblem(await reject(msgid, 'officer-wang', '   '), 400, 'validation-failed');
    expect(await stored(msgid)).toMatchObject({ status: 'held' });

    const rejected = await reject(msgid, 'officer-wang', 'promises a return');
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ messageId: msgid, status: 'rejected', approvalsCount: 0 });
    expectProblem(await approve(msgid, 'officer-chen'), 409, 'approval-not-pending');
    expectProblem(await reject(msgid, 'officer-chen', 'again'), 409, 'approval-not-pending');

    const shown = await admin(`/approvals/${msgid}`, 'officer-chen');
    expect(shown.body).toMatchObject({ status: 'rejected', rejection: { subject: 'officer-wang', reason: 'promises a return', at: expect.any(String) }, approvals: [] });
    expect(await messageStatus(msgid)).toMatchObject({ errcode: 0, status: 'rejected' });

    const outcome = await acceptedOutcome(msgid);
    expect(outcome.event).toMatchObject({ event: 'cgw.outbound.status', msgid: Number(msgid), cgw_msgid: msgid, account: ACCOUNT_ID, kind: 'oa.custom', status: 'rejected' });
    expectSigned(outcome, h.app.appSecret);
    expect(outcome.raw).not.toContain(marker);
    await new Promise((r) => setTimeout(r, 300));
    expect(received(CUSTOM, marker)).toHaveLength(0);
  });

  it('takes comments on any status and shows each with who and when', async () => {
    const msgid = await holdText(`comments-${kind}`);
    const t0 = now();
    expect((await comment(msgid, 'officer-chen', 'asking the author for a source')).body).toMatchObject({ status: 'pending' });
    expect((await reject(msgid, 'officer-wang', 'no source given')).status).toBe(200);
    expect((await comment(msgid, 'officer-wang', 'author informed')).body).toMatchObject({ status: 'rejected' });
    expectProblem(await admin(`/approvals/${msgid}/comment`, 'officer-wang', { text: '' }), 400, 'validation-failed');

    const shown = await admin(`/approvals/${msgid}`, 'auditor-li');
    expect(shown.body.comments).toEqual([
      { subject: 'officer-chen', at: expect.any(String), text: 'asking the author for a source' },
      { subject: 'officer-wang', at: expect.any(String), text: 'author informed' },
    ]);
    for (const c of shown.body.comments as { at: string }[]) expect(Date.parse(c.at)).toBeGreaterThanOrEqual(t0 - 1000);
  });

  it('shows the held message decrypted with its texts, body, decision reasons and policy version, as the spec describes a HeldMessage', async () => {
    const marker = `shown-${kind}`;
    const openid = await h.followerWhoWrote();
    const answer = await postAsApp('message/custom/send', { touser: openid, msgtype: 'text', text: { content: `${HELD_TEXT} ${marker}` } });
    const msgid = String(answer.cgw_msgid);
    const shown = await admin(`/approvals/${msgid}`, 'officer-wang');
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({
      messageId: msgid, accountId: ACCOUNT_ID, appId: 'crm', kind: 'oa.custom', msgtype: 'text', recipientsCount: 1, status: 'pending', requiredApprovals: 1,
      texts: [{ path: '/text/content', text: `${HELD_TEXT} ${marker}` }],
      body: { touser: openid, msgtype: 'text', text: { content: `${HELD_TEXT} ${marker}` } },
      policyVersion: answer.cgw_policy_version,
      contentHash: (await stored(msgid)).contentHash,
      decision: { outcome: 'hold', policyVersion: answer.cgw_policy_version, approval: { group: 'compliance', requiredApprovals: 1 } },
    });
    expect(shown.body.decision.reasons).toContainEqual(expect.objectContaining({ code: 'lexicon.held' }));
    const validHeldMessage = specSchema('HeldMessage');
    expect({ valid: validHeldMessage(shown.body), errors: validHeldMessage.errors ?? null }).toEqual({ valid: true, errors: null });
  });

  it('re-evaluates at release: a text whose 48-hour window closed while it was held is not sent (denied, shown rejected, audited, the app told)', async () => {
    const marker = `window-closed-${kind}`;
    const openid = await h.followerWhoWrote();
    const msgid = await holdText(marker, openid);
    const gate = ConnectionGate.for(h.gateway.dataSource);
    await gate.run(() => h.gateway.dataSource.getRepository<OaContactRow>(OA_CONTACT_ENTITY)
      .update({ accountId: ACCOUNT_ID, openidBidx: h.gateway.outbound.subjectIndex(openid) }, { windowAt: now() - 49 * HOUR }));

    const approved = await approve(msgid, 'officer-wang');
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ messageId: msgid, status: 'rejected', approvalsCount: 1 });
    expect(await stored(msgid)).toMatchObject({ status: 'denied' });
    expect((await admin(`/messages/${msgid}`, 'auditor-li')).body).toMatchObject({ state: 'denied' });
    expect(await messageStatus(msgid)).toMatchObject({ status: 'denied' });

    const audit = await admin(`/audit-events?target=${msgid}&type=outbound.denied_at_release`, 'auditor-li');
    expect(audit.body.items).toEqual([expect.objectContaining({ actor: { subject: 'officer-wang', via: 'oidc' }, outcome: 'denied', details: expect.objectContaining({ reasons: expect.stringContaining('window.expired') }) })]);
    const [action] = await h.gateway.outbound.messages.actions(Number(msgid));
    const record = await h.gateway.outbound.reader.open(action!.recordId);
    expect(record.payload).toMatchObject({ action: 'approve', statusAfter: 'denied', releaseDecision: { outcome: 'deny', reasons: expect.arrayContaining([expect.objectContaining({ code: 'window.expired' })]) } });

    const outcome = await acceptedOutcome(msgid);
    expect(outcome.event).toMatchObject({ status: 'denied', cgw_msgid: msgid });
    await new Promise((r) => setTimeout(r, 300));
    expect(received(CUSTOM, marker)).toHaveLength(0);
  });

  it('tells the app a held message was delivered with a signed event without its text, retried until the app answers 2xx', async () => {
    const marker = `delivered-event-${kind}`;
    const msgid = await holdText(marker);
    events.failFirst(msgid, 2);
    expect((await approve(msgid, 'officer-chen')).body).toMatchObject({ status: 'approved' });
    await until('delivery', () => (received(CUSTOM, marker).length > 0 ? true : undefined));
    const outcome = await acceptedOutcome(msgid);
    expect(events.about(msgid).map((p) => p.answered)).toEqual([500, 500, 200]);
    const tencentMsgid = (await stored(msgid)).tencentMsgid;
    expect(outcome.event).toMatchObject({ event: 'cgw.outbound.status', msgid: Number(msgid), cgw_msgid: msgid, status: 'delivered', tencent_errcode: 0, tencent_msgid: tencentMsgid, reason_codes: expect.arrayContaining(['lexicon.held']) });
    for (const post of events.about(msgid)) {
      expectSigned(post, h.app.appSecret);
      expect(post.raw).not.toContain(marker);
      expect(post.raw).not.toContain('guaranteed');
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(events.about(msgid)).toHaveLength(3);
    expect(received(CUSTOM, marker)).toHaveLength(1);
  });

  it('lists approved and all held messages page by page even when newer messages were never held', async () => {
    const approvedId = await holdText(`listed-${kind}`);
    expect((await approve(approvedId, 'officer-wang')).status).toBe(200);
    const openid = await h.followerWhoWrote();
    const neverHeld: string[] = [];
    for (let i = 0; i < 3; i++) {
      const answer = await postAsApp('message/custom/send', { touser: openid, msgtype: 'text', text: { content: `您好 allowed-${i}-${kind}` } });
      expect(answer).toMatchObject({ errcode: 0, cgw_status: 'delivered' });
      neverHeld.push(String(answer.cgw_msgid));
    }
    const everything = async (query: string) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Answer = await admin(`/approvals?${query}&limit=2${cursor ? `&cursor=${cursor}` : ''}`, 'auditor-li');
        expect(page.status).toBe(200);
        ids.push(...page.body.items.map((i: { messageId: string }) => i.messageId));
        cursor = page.body.nextCursor;
      } while (cursor);
      return ids;
    };
    expect(await everything('status=approved')).toContain(approvedId);
    const all = await everything('appId=crm');
    expect(all).toContain(approvedId);
    expect(all.filter((id) => neverHeld.includes(id))).toEqual([]);
  });

  it('audits every approve, reject and comment once, with who, when, what and the content hash, archives each, and the chain verifies', async () => {
    const t0 = now();
    const mass = await holdMass(`audited-mass-${kind}`);
    const text = await holdText(`audited-text-${kind}`);
    expect((await approve(mass, 'officer-wang', 'first look ok')).status).toBe(200);
    expect((await comment(mass, 'officer-chen', 'waiting for legal')).status).toBe(200);
    expect((await reject(text, 'officer-chen', 'misleading')).status).toBe(200);
    const t1 = now();

    for (const [id, expected] of [
      [mass, [['admin.approval.approve', 'officer-wang'], ['admin.approval.comment', 'officer-chen']]],
      [text, [['admin.approval.reject', 'officer-chen']]],
    ] as const) {
      const { contentHash } = await stored(id);
      const listed = await admin(`/audit-events?target=${id}&order=asc`, 'auditor-li');
      const actions = (listed.body.items as { type: string; actor: { subject: string; via: string }; at: string; contentHash: string; outcome: string }[]).filter((e) => e.type.startsWith('admin.approval.') && e.type !== 'admin.approval.view');
      expect(actions.map((e) => [e.type, e.actor.subject])).toEqual(expected.map(([type, subject]) => [type, subject]));
      for (const e of actions) {
        expect(e).toMatchObject({ actor: { via: 'oidc' }, outcome: 'success', contentHash });
        expect(Date.parse(e.at)).toBeGreaterThanOrEqual(t0 - 1000);
        expect(Date.parse(e.at)).toBeLessThanOrEqual(t1 + 1000);
      }
      const archived = await Promise.all((await h.gateway.outbound.messages.actions(Number(id))).map((a) => h.gateway.outbound.reader.open(a.recordId)));
      expect(archived.map((r) => [r.recordType, (r.payload as { action: string }).action, (r.payload as { actor: { subject: string } }).actor.subject, (r.payload as { contentHash: string }).contentHash]))
        .toEqual(expected.map(([type, subject]) => ['outbound.approval', type.replace('admin.approval.', ''), subject, contentHash]));
    }
    const rejectedEvent = await admin(`/audit-events?target=${text}&type=outbound.rejected`, 'auditor-li');
    expect(rejectedEvent.body.items).toEqual([expect.objectContaining({ actor: { subject: 'officer-chen', via: 'oidc' }, contentHash: (await stored(text)).contentHash })]);

    const verified = await call(`${h.url}/admin/v1`, '/audit/verify', { method: 'POST', token: jwt.get('auditor-li')! });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ ok: true, findings: [] });
    expect(verified.body.events).toBeGreaterThan(10);
  });

  it('runs cgw approvals list, show, comment, approve and reject with an SSO token', async () => {
    const env = (as: string) => ({ CGW_ADMIN_URL: h.url, CGW_ADMIN_TOKEN: jwt.get(as)! });
    const textMarker = `cli-text-${kind}`;
    const text = await holdText(textMarker);
    const mass = await holdMass(`cli-mass-${kind}`);

    const list = await runCli(['approvals', 'list', '--status', 'pending', '--app', 'crm', '--limit', '200'], env('auditor-li'));
    expect(list).toMatchObject({ code: 0, stderr: '' });
    expect(list.stdout).toMatch(new RegExp(`^${text} {2}pending +0/1 {2}${ACCOUNT_ID}/crm {2}oa\\.custom text {2}to 1 `, 'm'));
    expect(list.stdout).toMatch(new RegExp(`^${mass} {2}pending +0/2 `, 'm'));

    const show = await runCli(['approvals', 'show', text], env('officer-wang'));
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`text /text/content: ${HELD_TEXT} ${textMarker}`);
    expect(show.stdout).toMatch(/^decision {5}hold: .*lexicon\.held/m);
    expect(show.stdout).toContain(`content hash ${(await stored(text)).contentHash}`);

    expect((await runCli(['approvals', 'comment', text, '--text', 'checked the fund factsheet'], env('officer-chen'))).code).toBe(0);
    const approved = await runCli(['approvals', 'approve', text, '--note', 'fine'], env('officer-wang'));
    expect(approved).toMatchObject({ code: 0, stdout: expect.stringMatching(new RegExp(`^${text}: approved, 1/1 approval\\(s\\), content hash [0-9a-f]{64}\\n$`)) });
    await until('delivery after cgw approve', () => (received(CUSTOM, textMarker).length > 0 ? true : undefined));

    const self = await runCli(['approvals', 'approve', mass], env('crm-officer'));
    expect(self.code).toBe(2);
    expect(self.stderr).toContain('403 self-approval');
    const rejected = await runCli(['approvals', 'reject', mass, '--reason', 'no consent evidence', '--json'], env('officer-chen'));
    expect(rejected.code).toBe(0);
    expect(JSON.parse(rejected.stdout)).toMatchObject({ messageId: mass, status: 'rejected' });
    const again = await runCli(['approvals', 'approve', mass], env('officer-wang'));
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('409 approval-not-pending');

    const shown = await runCli(['approvals', 'show', text], env('auditor-li'));
    expect(shown.stdout).toMatch(/^approved by officer-wang at \S+: fine$/m);
    expect(shown.stdout).toMatch(/^comment by officer-chen at \S+: checked the fund factsheet$/m);
  });

  it('expires a held message past its TTL: approving it is 409, it is never delivered, and the app is told', async () => {
    const marker = `expired-${kind}`;
    const msgid = await holdText(marker);
    skewMs += 25 * HOUR;
    // Past the TTL but not yet swept: refused as expired all the same.
    expectProblem(await approve(msgid, 'officer-wang'), 409, 'approval-expired');
    expect(await h.gateway.expireHeld()).toBeGreaterThanOrEqual(1);
    expect(await stored(msgid)).toMatchObject({ status: 'expired' });
    expectProblem(await approve(msgid, 'officer-wang'), 409, 'approval-not-pending');
    expect((await admin(`/approvals/${msgid}`, 'auditor-li')).body).toMatchObject({ status: 'expired' });
    expect(await messageStatus(msgid)).toMatchObject({ errcode: 0, status: 'expired' });

    const outcome = await acceptedOutcome(msgid);
    expect(outcome.event).toMatchObject({ event: 'cgw.outbound.status', cgw_msgid: msgid, kind: 'oa.custom', status: 'expired' });
    // Stamped by the gateway's clock, which passed the TTL.
    expect(outcome.event.at).toBeGreaterThanOrEqual(Math.floor((Date.now() + 24 * HOUR) / 1000));
    expectSigned(outcome, h.app.appSecret);
    expect(outcome.raw).not.toContain(marker);
    const audit = await admin(`/audit-events?target=${msgid}&type=outbound.expired`, 'auditor-li');
    expect(audit.body.items).toEqual([expect.objectContaining({ actor: { subject: 'gateway', via: 'system' }, contentHash: (await stored(msgid)).contentHash })]);
    await new Promise((r) => setTimeout(r, 300));
    expect(received(CUSTOM, marker)).toHaveLength(0);
  });
});
