/**
 * The outermost middleware of each simulated product: logs every call and
 * applies the fault scheduled for its path (state/faults.ts) before or after
 * the real handler runs.
 */
import type Koa from 'koa';
import type { Clock } from '../clock';
import { sendTencentJson } from '../token-server';
import type { CallLog } from '../state/call-log';
import type { FaultPlan } from '../state/faults';
import type { ApiProduct } from '../state/received-log';

export interface FaultMiddlewareOptions {
  product: ApiProduct;
  faults: FaultPlan;
  calls: CallLog;
  clock: Clock;
  /** The product's error body for an errcode fault. */
  errorBody(ctx: Koa.Context, errcode: number): object;
}

/** Build the middleware; mount it before every router. */
export function faultMiddleware(options: FaultMiddlewareOptions): Koa.Middleware {
  const { product, faults, calls, clock } = options;
  return async (ctx, next) => {
    const call = calls.start({ product, method: ctx.method, path: ctx.path, at: clock.now() });
    const fault = faults.take(product, ctx.path);
    if (fault) call.fault = fault.kind;
    let answered = true;
    switch (fault?.kind) {
      case 'errcode':
        sendTencentJson(ctx, options.errorBody(ctx, fault.errcode));
        break;
      case 'status':
        gatewayErrorPage(ctx, fault.status);
        break;
      case 'hang':
        await untilClientLeaves(ctx);
        ctx.respond = false;
        answered = false;
        break;
      case 'slow':
        await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
        await next();
        break;
      case 'accept-then-fail':
        await next();
        if (fault.response === 'drop') {
          // The message is taken; the answer is lost on the wire.
          ctx.respond = false;
          ctx.req.socket.destroy();
          answered = false;
        } else gatewayErrorPage(ctx, fault.response);
        break;
      default:
        await next();
    }
    if (ctx.state.appId) call.appId = ctx.state.appId as string;
    if (ctx.state.corpId) call.corpId = ctx.state.corpId as string;
    if (answered) {
      call.status = ctx.status;
      const errcode = errcodeOf(ctx.body);
      if (errcode !== undefined) call.errcode = errcode;
    }
  };
}

/** What a proxy in front of Tencent answers when the backend fails. */
function gatewayErrorPage(ctx: Koa.Context, status: number): void {
  ctx.status = status;
  ctx.type = 'text/html';
  ctx.body = `<html><head><title>${status}</title></head><body><center><h1>${status}</h1></center><hr><center>stgw</center></body></html>`;
}

function untilClientLeaves(ctx: Koa.Context): Promise<void> {
  return new Promise((resolve) => {
    if (ctx.req.socket.destroyed) return resolve();
    ctx.res.once('close', () => resolve());
  });
}

function errcodeOf(body: unknown): number | undefined {
  if (typeof body !== 'string' || !body.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(body) as { errcode?: unknown };
    return typeof parsed.errcode === 'number' ? parsed.errcode : 0;
  } catch {
    return undefined;
  }
}
