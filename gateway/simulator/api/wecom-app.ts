/**
 * The simulated WeCom API host (qyapi.weixin.qq.com). It is a Koa app of its
 * own, on its own listener, because OA and WeCom share paths with different
 * meanings (`/cgi-bin/media/upload`, `/cgi-bin/user/get`, …; clients.md §0):
 * a test points its WeCom client at `listenWecom()`'s URL and its OA client
 * at `listen()`'s.
 */
import Koa from 'koa';
import Router from '@koa/router';
import type { CallLog } from '../state/call-log';
import type { FaultPlan } from '../state/faults';
import { normaliseIp } from '../token-store';
import { wecomErrorBody } from '../wecom-error';
import { faultMiddleware } from './fault-middleware';
import { ADD_MSG_TEMPLATE_PATH, addMsgTemplateEndpoint } from './wecom-add-msg-template';
import type { WecomApiDeps } from './wecom-endpoint';
import { GETTOKEN_PATH, getTokenEndpoint } from './wecom-gettoken';
import { MESSAGE_SEND_PATH, messageSendEndpoint } from './wecom-message-send';
import { SEND_WELCOME_MSG_PATH, sendWelcomeMsgEndpoint } from './wecom-welcome-msg';
import { CHECK_ROOM_AGREE_PATH, CHECK_SINGLE_AGREE_PATH, checkRoomAgreeEndpoint, checkSingleAgreeEndpoint } from './wecom-msgaudit-agree';
import { GET_PERMIT_USER_LIST_PATH, getPermitUserListEndpoint, MSGAUDIT_GROUPCHAT_GET_PATH, msgauditGroupchatGetEndpoint } from './wecom-msgaudit-rooms';

/** The WeCom Koa app with call logging, faults and every endpoint. */
export function createWecomApp(deps: WecomApiDeps, faults: FaultPlan, calls: CallLog): Koa {
  const app = new Koa();
  app.use(
    faultMiddleware({
      product: 'wecom',
      faults,
      calls,
      clock: deps.clock,
      errorBody: (ctx, errcode) => wecomErrorBody(errcode, deps.clock, normaliseIp(ctx.ip), { rng: deps.rng }),
    }),
  );
  const router = new Router();
  router.all(GETTOKEN_PATH, getTokenEndpoint(deps));
  router.all(MESSAGE_SEND_PATH, messageSendEndpoint(deps));
  router.all(ADD_MSG_TEMPLATE_PATH, addMsgTemplateEndpoint(deps));
  router.all(SEND_WELCOME_MSG_PATH, sendWelcomeMsgEndpoint(deps));
  router.all(CHECK_SINGLE_AGREE_PATH, checkSingleAgreeEndpoint(deps));
  router.all(CHECK_ROOM_AGREE_PATH, checkRoomAgreeEndpoint(deps));
  router.all(GET_PERMIT_USER_LIST_PATH, getPermitUserListEndpoint(deps));
  router.all(MSGAUDIT_GROUPCHAT_GET_PATH, msgauditGroupchatGetEndpoint(deps));
  app.use(router.routes());
  return app;
}
