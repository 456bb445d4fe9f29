/**
 * HTTP load for the outbound benchmark: JSON POSTs over keep-alive
 * connections, either open-loop at a fixed rate (send i is due at
 * start + i / rate, whatever happened to earlier ones, with a cap on requests
 * in flight) or closed-loop (N senders, each sends its next request when its
 * previous one is answered). Every request's latency is recorded in full, so
 * percentiles are exact, not bucketed.
 *
 * Open-loop latency is taken two ways: from the moment the request was
 * written (what the server and network cost) and from the moment it was due
 * (adds any wait in this process — timer lateness, the in-flight cap — so a
 * stalled server cannot hide behind a slowed-down load generator).
 */
import http from 'node:http';

/** One request to make: the path (with query) and its JSON body. */
export interface LoadRequest {
  path: string;
  body: string;
}

/** One answer: the parsed errcode (or a transport/HTTP failure label) and the gateway's cgw_status when present. */
export interface LoadAnswer {
  index: number;
  errcode: number | string;
  cgwStatus?: string;
  /** The gateway's message id, when it answered one. */
  cgwMsgid?: string;
  /** ms from write to full answer. */
  latencyMs: number;
  /** ms from due time to full answer (open-loop only; equals latencyMs closed-loop). */
  sinceDueMs: number;
}

export interface LoadResult {
  /** Requests written. */
  sent: number;
  /** Open-loop: requests never written because the in-flight cap held them past the deadline. */
  unsent: number;
  seconds: number;
  answers: LoadAnswer[];
}

/** A keep-alive client for one host:port with at most `maxSockets` connections. */
export function jsonClient(port: number, maxSockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' });
  const post = (req: LoadRequest): Promise<{ errcode: number | string; cgwStatus?: string; cgwMsgid?: string }> =>
    new Promise((resolve) => {
      const payload = Buffer.from(req.body, 'utf8');
      const r = http.request(
        { host: '127.0.0.1', port, path: req.path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': payload.length } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            if (res.statusCode !== 200) return resolve({ errcode: `http ${res.statusCode}` });
            try {
              const json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
              resolve({
                errcode: typeof json.errcode === 'number' ? json.errcode : 0,
                ...(typeof json.cgw_status === 'string' ? { cgwStatus: json.cgw_status } : {}),
                ...(typeof json.cgw_msgid === 'string' ? { cgwMsgid: json.cgw_msgid } : {}),
              });
            } catch {
              resolve({ errcode: 'not json' });
            }
          });
          res.on('error', (err) => resolve({ errcode: `response ${err.message}` }));
        },
      );
      r.on('error', (err: NodeJS.ErrnoException) => resolve({ errcode: `transport ${err.code ?? err.message}` }));
      r.end(payload);
    });
  return { post, close: () => agent.destroy() };
}

/**
 * Open-loop: `count` requests at `ratePerSecond`, at most `maxInFlight`
 * outstanding (later ones wait, and their wait is counted). A server that
 * cannot keep up would stretch the run without bound: requests still unsent
 * `graceSeconds` after the last one was due are given up and counted.
 */
export async function openLoop(port: number, count: number, ratePerSecond: number, maxInFlight: number, graceSeconds: number, request: (i: number) => LoadRequest): Promise<LoadResult> {
  const client = jsonClient(port, maxInFlight);
  const answers: LoadAnswer[] = [];
  const intervalMs = 1000 / ratePerSecond;
  const start = performance.now() + 20;
  const giveUpAt = start + count * intervalMs + graceSeconds * 1000;
  let next = 0;
  let inFlight = 0;
  let last = start;
  let unsent = 0;
  await new Promise<void>((done) => {
    const fire = (i: number) => {
      const due = start + i * intervalMs;
      const req = request(i);
      inFlight++;
      const written = performance.now();
      void client.post(req).then((a) => {
        const end = performance.now();
        last = end;
        inFlight--;
        answers.push({ ...a, index: i, latencyMs: end - written, sinceDueMs: end - due });
        if (answers.length + unsent === count) done();
        else pump();
      });
    };
    let timer: NodeJS.Timeout | null = null;
    const pump = () => {
      const now = performance.now();
      if (now > giveUpAt && next < count) {
        unsent = count - next;
        next = count;
        if (inFlight === 0) done();
      }
      while (next < count && inFlight < maxInFlight && start + next * intervalMs <= now) fire(next++);
      if (next < count && inFlight < maxInFlight && !timer) {
        // Wake for the next due send (timers fire ≥ 1 ms late; due sends are then sent together); at the cap, answers wake us.
        timer = setTimeout(() => {
          timer = null;
          pump();
        }, Math.max(0, start + next * intervalMs - performance.now()));
      }
    };
    pump();
  });
  client.close();
  return { sent: count - unsent, unsent, seconds: (last - start) / 1000, answers };
}

/** Closed-loop: `senders` concurrent senders for `seconds`; each request is built when it is sent. */
export async function closedLoop(port: number, senders: number, seconds: number, request: (i: number) => LoadRequest): Promise<LoadResult> {
  const client = jsonClient(port, senders);
  const answers: LoadAnswer[] = [];
  const start = performance.now();
  const stopAt = start + seconds * 1000;
  let next = 0;
  let last = start;
  const sender = async () => {
    while (performance.now() < stopAt) {
      const i = next++;
      const written = performance.now();
      const a = await client.post(request(i));
      const end = performance.now();
      last = end;
      const latencyMs = end - written;
      answers.push({ ...a, index: i, latencyMs, sinceDueMs: latencyMs });
    }
  };
  await Promise.all(Array.from({ length: senders }, sender));
  client.close();
  return { sent: next, unsent: 0, seconds: (last - start) / 1000, answers };
}

/** The q-quantile (0..1) of `values` (nearest rank), ms rounded to 0.01. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return Math.round(sorted[rank]! * 100) / 100;
}
