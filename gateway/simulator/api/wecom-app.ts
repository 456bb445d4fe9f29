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
import { EXTERNAL_CONTACT_LIST_PATH, externalContactListEndpoint, GET_FOLLOW_USER_LIST_PATH, getFollowUserListEndpoint, GROUPCHAT_GET_PATH, GROUPCHAT_LIST_PATH, groupchatGetEndpoint, groupchatListEndpoint } from './wecom-contact-list';
import { GET_UNASSIGNED_LIST_PATH, getUnassignedListEndpoint, RESIGNED_TRANSFER_CUSTOMER_PATH, RESIGNED_TRANSFER_RESULT_PATH, TRANSFER_CUSTOMER_PATH, TRANSFER_RESULT_PATH, transferCustomerEndpoint, transferResultEndpoint } from './wecom-transfer';
import { GROUPCHAT_ONJOB_TRANSFER_PATH, GROUPCHAT_TRANSFER_PATH, groupTransferEndpoint } from './wecom-group-transfer';

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
  // Customer hand-over (wecom.md §4.1, §4.2, §4.6, §4.7).
  router.all(GET_FOLLOW_USER_LIST_PATH, getFollowUserListEndpoint(deps));
  router.all(EXTERNAL_CONTACT_LIST_PATH, externalContactListEndpoint(deps));
  router.all(GROUPCHAT_LIST_PATH, groupchatListEndpoint(deps));
  router.all(GROUPCHAT_GET_PATH, groupchatGetEndpoint(deps));
  router.all(TRANSFER_CUSTOMER_PATH, transferCustomerEndpoint(deps, 'in-service'));
  router.all(RESIGNED_TRANSFER_CUSTOMER_PATH, transferCustomerEndpoint(deps, 'resigned'));
  router.all(TRANSFER_RESULT_PATH, transferResultEndpoint(deps, 'in-service'));
  router.all(RESIGNED_TRANSFER_RESULT_PATH, transferResultEndpoint(deps, 'resigned'));
  router.all(GET_UNASSIGNED_LIST_PATH, getUnassignedListEndpoint(deps));
  router.all(GROUPCHAT_ONJOB_TRANSFER_PATH, groupTransferEndpoint(deps, 'in-service'));
  router.all(GROUPCHAT_TRANSFER_PATH, groupTransferEndpoint(deps, 'resigned'));
  app.use(router.routes());
  return app;
}
