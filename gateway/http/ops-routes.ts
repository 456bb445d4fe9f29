/** Operations routes: liveness, readiness (database and queue), Prometheus metrics. */
import Router from '@koa/router';

export interface ReadinessProbe {
  name: string;
  check(): Promise<{ ok: boolean; detail?: string }>;
}

/** /healthz (process alive), /readyz (every probe ok), /metrics (the whole host's, in a cluster: observability/cluster-metrics.ts). */
export function opsRoutes(metrics: { contentType: string; text(): Promise<string> }, probes: ReadinessProbe[], isShuttingDown: () => boolean): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const results = await Promise.all(
      probes.map(async (p) => {
        try {
          const r = await withTimeout(p.check(), 2000);
          return { name: p.name, ...r };
        } catch {
          return { name: p.name, ok: false, detail: 'probe failed' };
        }
      }),
    );
    const shuttingDown = isShuttingDown();
    const ready = !shuttingDown && results.every((r) => r.ok);
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not-ready', shuttingDown, checks: results };
  });
  router.get('/metrics', async (ctx) => {
    ctx.type = metrics.contentType;
    ctx.body = await metrics.text();
  });
  return router;
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
