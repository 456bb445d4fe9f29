/**
 * /metrics for a host running several gateway workers (server.workers > 1).
 * A scrape reaches whichever worker accepted its connection; answered from
 * that worker's registry alone it would show a different share of the
 * traffic each time. Instead the worker asks the cluster primary, which
 * gathers every worker's registry over IPC (prom-client's
 * AggregatorRegistry: counters and histograms summed, gauges by each one's
 * `aggregator`) and hands the text back. A single process answers from its
 * own registry.
 */
import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

const REQUEST = 'cgw:cluster-metrics-request';
const RESPONSE = 'cgw:cluster-metrics-response';

interface Request {
  type: typeof REQUEST;
  id: number;
}

interface Response {
  type: typeof RESPONSE;
  id: number;
  text?: string;
  error?: string;
}

/** In the cluster primary: answer workers' requests for the whole host's metrics. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: Partial<Request>) => {
    if (message?.type !== REQUEST || typeof message.id !== 'number') return;
    const id = message.id;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: RESPONSE, id, text } satisfies Response),
      (err: unknown) => worker.send({ type: RESPONSE, id, error: err instanceof Error ? err.message : 'aggregation failed' } satisfies Response),
    );
  });
}

/**
 * The text /metrics answers with, and its content type: the whole host's in a cluster worker
 * (this worker's `registry` is what the primary gathers from it), this process's otherwise.
 */
export function metricsSource(registry: Registry, timeoutMs = 5000): { contentType: string; text(): Promise<string> } {
  const send = process.send?.bind(process);
  if (!cluster.isWorker || !send) return { contentType: registry.contentType, text: () => registry.metrics() };
  // The primary's AggregatorRegistry asks each worker for these registries (prom-client answers once listeners are set up).
  AggregatorRegistry.setRegistries([registry]);
  void new AggregatorRegistry();
  let next = 0;
  const waiting = new Map<number, (r: Response) => void>();
  process.on('message', (message: Partial<Response>) => {
    if (message?.type === RESPONSE && typeof message.id === 'number') waiting.get(message.id)?.(message as Response);
  });
  return {
    contentType: registry.contentType,
    text: () =>
      new Promise<string>((resolve, reject) => {
        const id = next++;
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error('the cluster primary did not answer with metrics in time'));
        }, timeoutMs);
        waiting.set(id, (r) => {
          clearTimeout(timer);
          waiting.delete(id);
          if (r.text !== undefined) resolve(r.text);
          else reject(new Error(`cluster metrics: ${r.error ?? 'no answer'}`));
        });
        send({ type: REQUEST, id } satisfies Request);
      }),
  };
}
