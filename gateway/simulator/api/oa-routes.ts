/**
 * Every OA outbound endpoint on one router. Routes use `all` so a wrong HTTP
 * method gets Tencent's 43001/43002 rather than Koa's 405.
 */
import Router from '@koa/router';
import { CUSTOM_SEND_PATH, customSendEndpoint } from './oa-custom-send';
import type { OaApiDeps } from './oa-endpoint';
import { MASS_PREVIEW_PATH, MASS_SEND_PATH, MASS_SENDALL_PATH, massPreviewEndpoint, massSendAllEndpoint, massSendEndpoint } from './oa-mass-send';
import { MEDIA_UPLOAD_PATH, mediaUploadEndpoint } from './oa-media-upload';
import { SUBSCRIBE_SEND_PATH, subscribeSendEndpoint } from './oa-subscribe-send';
import { TEMPLATE_SEND_PATH, templateSendEndpoint } from './oa-template-send';
import { USER_INFO_BATCH_PATH, USER_INFO_PATH, userInfoBatchEndpoint, userInfoEndpoint } from './oa-user-info';

/** Router with the OA outbound endpoints. */
export function createOaApiRouter(deps: OaApiDeps): Router {
  const router = new Router();
  router.all(CUSTOM_SEND_PATH, customSendEndpoint(deps));
  router.all(TEMPLATE_SEND_PATH, templateSendEndpoint(deps));
  router.all(SUBSCRIBE_SEND_PATH, subscribeSendEndpoint(deps));
  router.all(MASS_SENDALL_PATH, massSendAllEndpoint(deps));
  router.all(MASS_SEND_PATH, massSendEndpoint(deps));
  router.all(MASS_PREVIEW_PATH, massPreviewEndpoint(deps));
  router.all(MEDIA_UPLOAD_PATH, mediaUploadEndpoint(deps));
  router.all(USER_INFO_PATH, userInfoEndpoint(deps));
  router.all(USER_INFO_BATCH_PATH, userInfoBatchEndpoint(deps));
  return router;
}
