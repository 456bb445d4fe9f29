/**
 * The OA half of the simulator's outbound side: the state Tencent keeps about
 * each account's users (follows, service windows, consents, media, templates)
 * and the API router that reads it. Pushes the simulator sends feed the state,
 * because on Tencent the user's action is what opens a window or grants a
 * consent, whether or not the account server took the push.
 */
import type Router from '@koa/router';
import type { SimulatedAccount } from './accounts';
import { unixSeconds, type Clock } from './clock';
import type { FollowerRegistry, FollowSource } from './follower-registry';
import { readSubscriptionChoices, type PushFacts } from './push-facts';
import { massSendJobFinishEvent, templateSendJobFinishEvent } from './pushes';
import type { Rng } from './random';
import { createOaApiRouter } from './api/oa-routes';
import type { OaApiDeps } from './api/oa-endpoint';
import { DEFAULT_OA_DAILY_QUOTAS, DEFAULT_OA_MESSAGE_LIMITS, type OaDailyQuotas, type OaMessageLimits } from './api/oa-limits';
import type { CallCounter } from './state/call-counter';
import { ClientMsgIds } from './state/client-msg-ids';
import { MediaStore, type OaMediaType } from './state/media-store';
import type { MessageIds } from './state/message-ids';
import type { ReceivedLog } from './state/received-log';
import { ServiceWindows, triggerOfPush, type QualifyingTrigger, type ServiceWindow, type WindowRule } from './state/service-window';
import { TemplateRegistry, type TemplateCatalogue } from './state/templates';
import type { OaTokenStore } from './token-store';

/** Options for the OA outbound APIs (all optional). */
export interface OaOutboundOptions {
  /** Template messages per account: appId → template id → required data keys. */
  templates?: Readonly<Record<string, TemplateCatalogue>>;
  /** Subscription-notice templates per account, same shape. */
  subscribeTemplates?: Readonly<Record<string, TemplateCatalogue>>;
  /** Customer-service window rules per qualifying action (defaults: current Tencent rules). */
  serviceWindows?: Partial<Record<QualifyingTrigger, WindowRule>>;
  oaQuotas?: Partial<OaDailyQuotas>;
  oaLimits?: Partial<OaMessageLimits>;
  /** Push TEMPLATESENDJOBFINISH / MASSSENDJOBFINISH to the account after accepted sends (off by default). */
  jobFinishEvents?: boolean;
}

export interface OaSideBase {
  clock: Clock;
  rng: Rng;
  tokens: OaTokenStore;
  followers: FollowerRegistry;
  received: ReceivedLog;
  counter: CallCounter;
  ids: MessageIds;
  account(appId: string): SimulatedAccount;
  /** Deliver a push in the background (job-finish events). */
  pushLater(appId: string, xml: string): void;
}

/** OA state, router and the methods the simulator exposes for them. */
export function createOaSide(base: OaSideBase, options: OaOutboundOptions) {
  const { clock, rng, followers } = base;
  const windows = new ServiceWindows(options.serviceWindows);
  const templates = new TemplateRegistry();
  const limits: OaMessageLimits = { ...DEFAULT_OA_MESSAGE_LIMITS, ...options.oaLimits };
  const media = new MediaStore(clock, rng);
  for (const [kind, catalogues] of [['template', options.templates], ['subscribe', options.subscribeTemplates]] as const) {
    for (const [appId, catalogue] of Object.entries(catalogues ?? {})) {
      base.account(appId); // throws for an account the simulator does not have
      for (const [templateId, keys] of Object.entries(catalogue)) templates.register(appId, kind, templateId, keys);
    }
  }
  const deps: OaApiDeps = {
    clock,
    rng,
    tokens: base.tokens,
    followers,
    windows,
    media,
    templates,
    counter: base.counter,
    quotas: { ...DEFAULT_OA_DAILY_QUOTAS, ...options.oaQuotas },
    limits,
    received: base.received,
    ids: base.ids,
    clientMsgIds: new ClientMsgIds(),
    ...(options.jobFinishEvents
      ? {
          onTemplateAccepted(appId, openid, msgid) {
            const push = templateSendJobFinishEvent({ toUserName: base.account(appId).originalId, fromUserName: openid, msgId: String(msgid), createTime: unixSeconds(clock), rng });
            base.pushLater(appId, push);
          },
          onMassAccepted(appId, msgId, recipients, filtered) {
            const first = recipients[0];
            if (first === undefined) return; // the event names an openid; with nobody to send to there is none to name
            const counts = { totalCount: recipients.length + filtered, filterCount: recipients.length, sentCount: recipients.length, errorCount: 0 };
            base.pushLater(appId, massSendJobFinishEvent({ toUserName: base.account(appId).originalId, fromUserName: first, msgId: String(msgId), createTime: unixSeconds(clock), rng, ...counts }));
          },
        }
      : {}),
  };

  return {
    router: createOaApiRouter(deps) as Router,
    /** Apply a push's effect on windows and consents (follows are the registry's job). */
    observePush(appId: string, xml: string, facts: PushFacts): void {
      const trigger = triggerOfPush(facts);
      if (trigger) windows.open(appId, facts.fromUserName, trigger, clock.now());
      if (facts.event === 'subscribe_msg_popup_event' || facts.event === 'subscribe_msg_change_event') {
        for (const choice of readSubscriptionChoices(xml)) {
          if (choice.status === 'accept') templates.grant(appId, facts.fromUserName, choice.templateId);
          else templates.revoke(appId, facts.fromUserName, choice.templateId);
        }
      }
    },
    follow(appId: string, openid: string, opts: { at?: number } & Partial<FollowSource> = {}): void {
      base.account(appId);
      const source: FollowSource = { scene: opts.scene ?? (opts.qrScene !== undefined ? 'ADD_SCENE_QR_CODE' : 'ADD_SCENE_SEARCH'), ...(opts.qrScene !== undefined ? { qrScene: opts.qrScene } : {}) };
      followers.follow(appId, openid, Math.floor((opts.at ?? clock.now()) / 1000), source);
    },
    unfollow(appId: string, openid: string): void {
      base.account(appId);
      followers.unfollow(appId, openid);
    },
    tagFollower(appId: string, openid: string, tagId: number): void {
      base.account(appId);
      followers.tag(appId, openid, tagId);
    },
    recordQualifyingAction(appId: string, openid: string, trigger: QualifyingTrigger, at = clock.now()): void {
      base.account(appId);
      if (!windows.rules[trigger]) throw new Error(`unknown qualifying action ${trigger}`);
      // Only a follower can act; an openid the account never saw becomes one.
      if (followers.status(appId, openid) === 'unknown') followers.follow(appId, openid, Math.floor(at / 1000), { scene: 'ADD_SCENE_OTHERS' });
      windows.open(appId, openid, trigger, at);
    },
    serviceWindows(appId: string, openid: string): ServiceWindow[] {
      return windows.list(appId, openid);
    },
    registerTemplate(appId: string, templateId: string, dataKeys: readonly string[]): void {
      base.account(appId);
      templates.register(appId, 'template', templateId, dataKeys);
    },
    registerSubscribeTemplate(appId: string, templateId: string, dataKeys: readonly string[]): void {
      base.account(appId);
      templates.register(appId, 'subscribe', templateId, dataKeys);
    },
    grantSubscription(appId: string, openid: string, templateId: string, opts: { longTerm?: boolean } = {}): void {
      base.account(appId);
      templates.grant(appId, openid, templateId, opts.longTerm === true);
    },
    addMedia(appId: string, type: OaMediaType, filename = `${type}.${limits.media[type].extensions[0]}`): string {
      base.account(appId);
      return media.add(appId, type, { filename, bytes: 1024 }).mediaId;
    },
  };
}

