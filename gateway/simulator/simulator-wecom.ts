/**
 * The WeCom half of the simulator: corps, their tokens, customers, welcome
 * codes and chat-archive state, served by a Koa app of its own
 * (api/wecom-app.ts explains why).
 */
import type Koa from 'koa';
import { unixSeconds, type Clock } from './clock';
import type { Rng } from './random';
import { createWecomApp } from './api/wecom-app';
import type { WecomApiDeps } from './api/wecom-endpoint';
import { DEFAULT_WECOM_LIMITS, type WecomLimits } from './api/wecom-limits';
import type { CallCounter } from './state/call-counter';
import type { CallLog } from './state/call-log';
import type { FaultPlan } from './state/faults';
import { MemberRateLimit } from './state/member-rate-limit';
import type { MessageIds } from './state/message-ids';
import { ArchiveStream } from './state/archive-stream';
import { MsgauditState } from './state/msgaudit';
import type { ReceivedLog } from './state/received-log';
import { createMsgauditMethods } from './simulator-msgaudit';
import { createHandoverMethods } from './simulator-handover';
import { CustomerContacts } from './state/customer-contacts';
import { WelcomeCodes } from './state/welcome-codes';
import { assertCorpShape, EXTERNAL_USERID_PATTERN, newExternalUserId, type SimulatedCorp } from './state/wecom-corps';
import { WecomTokenStore, type WecomTokenCheck } from './state/wecom-token-store';
import { addExternalContactEvent } from './wecom-events';
import { createWecomWebSide } from './simulator-wecom-web'; // content sidebar: web auth, JS-SDK tickets, media

export interface WecomSideBase {
  clock: Clock;
  rng: Rng;
  received: ReceivedLog;
  counter: CallCounter;
  ids: MessageIds;
  faults: FaultPlan;
  calls: CallLog;
  /** Deliver a callback to the corp in the background (skipped when it has no callback URL). */
  pushLater(corpId: string, xml: string): void;
}

/** What `addExternalContact` models: the contact, and the add_external_contact event with its WelcomeCode. */
export interface NewExternalContact {
  externalUserId: string;
  welcomeCode: string;
  /** The event's plaintext XML, as WeCom would push it to the corp's callback URL. */
  xml: string;
}

/** WeCom state, app and the methods the simulator exposes for them. @throws Error for a malformed or repeated corp. */
export function createWecomSide(base: WecomSideBase, corpList: readonly SimulatedCorp[], limitOverrides: Partial<WecomLimits> = {}) {
  const limits: WecomLimits = { ...DEFAULT_WECOM_LIMITS, ...limitOverrides };
  const corps = new Map<string, SimulatedCorp>();
  const externalContacts = new Map<string, Set<string>>();
  for (const corp of corpList) {
    assertCorpShape(corp);
    if (corps.has(corp.corpId)) throw new Error(`corp ${corp.corpId} is listed twice`);
    corps.set(corp.corpId, corp);
    externalContacts.set(corp.corpId, new Set(corp.externalContacts));
  }
  const tokens = new WecomTokenStore([...corps.values()], base.clock, base.rng, limits.tokenTtlSeconds);
  const welcomeCodes = new WelcomeCodes(base.clock, base.rng, limits.welcomeCodeSeconds);
  const msgaudit = new MsgauditState();
  const contacts = new CustomerContacts();
  // Built below; the endpoints settle due takeovers through it before answering.
  let handover: ReturnType<typeof createHandoverMethods>;
  const deps: WecomApiDeps = {
    clock: base.clock,
    rng: base.rng,
    corps,
    externalContacts,
    tokens,
    counter: base.counter,
    limits,
    received: base.received,
    memberRate: new MemberRateLimit({ perMinute: limits.memberPerMinute, perHour: limits.memberPerHour }),
    welcomeCodes,
    ids: base.ids,
    msgaudit,
    contacts,
    settleTransfers: (corpId) => void handover.settleTransfers(corpId),
  };
  const web = createWecomWebSide(deps); // content sidebar
  const corpOf = (corpId: string): SimulatedCorp => {
    const corp = corps.get(corpId);
    if (!corp) throw new Error(`the simulator has no corp ${corpId}`);
    return corp;
  };

  const msgauditMethods = createMsgauditMethods({
    clock: base.clock,
    rng: base.rng,
    state: msgaudit,
    archive: new ArchiveStream(base.rng),
    welcomeCodes,
    corp: corpOf,
    isCustomer: (corpId, externalUserId) => externalContacts.get(corpId)?.has(externalUserId) === true,
    pushLater: base.pushLater,
  });

  handover = createHandoverMethods({
    clock: base.clock,
    rng: base.rng,
    contacts,
    limits,
    corp: corpOf,
    isCustomer: (corpId, externalUserId) => externalContacts.get(corpId)?.has(externalUserId) === true,
    addCustomer: (corpId, externalUserId) => void externalContacts.get(corpId)?.add(externalUserId),
    newExternalUserId: () => newExternalUserId(base.rng),
    pushLater: base.pushLater,
  });

  return {
    app: web.mount(createWecomApp(deps, base.faults, base.calls)) as Koa, // content sidebar: + web auth, tickets, media
    web: web.methods, // content sidebar
    msgaudit: msgauditMethods,
    handover,
    corpIds: [...corps.keys()],
    corp: corpOf,
    checkWecomAccessToken: (token: string | undefined): WecomTokenCheck => tokens.check(token),
    /** Customers of the corp, configured and added. */
    externalContacts: (corpId: string): string[] => [...(externalContacts.get(corpOf(corpId).corpId) ?? [])],
    /**
     * A member and a customer become contacts: the customer joins the corp's
     * customers and WeCom issues a WelcomeCode valid for 20 s.
     * @throws Error when `userid` is not a member or the external id is malformed.
     */
    addExternalContact(corpId: string, userid: string, options: { externalUserId?: string; state?: string } = {}): NewExternalContact {
      const corp = corpOf(corpId);
      if (!corp.members.some((m) => m.toLowerCase() === userid.toLowerCase())) throw new Error(`${userid} is not a member of ${corpId}`);
      const externalUserId = options.externalUserId ?? newExternalUserId(base.rng);
      if (!EXTERNAL_USERID_PATTERN.test(externalUserId)) throw new Error('externalUserId must be wm/wo + 30 base64url');
      externalContacts.get(corpId)?.add(externalUserId);
      // The member who added the customer follows it (customer hand-over lists it as theirs).
      contacts.follow(corp.corpId, corp.members.find((m) => m.toLowerCase() === userid.toLowerCase()) ?? userid, externalUserId);
      const welcomeCode = welcomeCodes.issue(corpId, userid, externalUserId);
      const xml = addExternalContactEvent({
        corpId,
        userid,
        externalUserId,
        welcomeCode,
        createTime: unixSeconds(base.clock),
        ...(options.state !== undefined ? { state: options.state } : {}),
      });
      return { externalUserId, welcomeCode, xml };
    },
  };
}

