/**
 * Configuration of RM departure (`handover:` at the top level): how often the
 * runner looks for work, how often a waiting hand-over asks transfer_result,
 * how it backs off. Tencent's own numbers (≤ 100 ids per call, 2 in-service
 * transfers per customer per 90 days) are limits, not settings: the gateway
 * may ask for less, never for more.
 */
import { z } from 'zod';

export const handoverConfigSchema = z.strictObject({
  /** How often this replica looks for hand-overs with work due; 0: never (a replica that must not call Tencent, or tests that drive `runDue`). */
  tickMs: z.number().int().min(0).max(3_600_000).default(5000),
  /** Between transfer_result polls of a hand-over waiting for takeovers (Tencent takes 24 h; a refusal can come any time). */
  pollIntervalMs: z.number().int().min(100).max(86_400_000).default(900_000),
  /** Retry of a step that failed for a transient reason (-1, 45009, a timeout): base and cap of the exponential backoff. */
  backoffBaseMs: z.number().int().min(10).default(30_000),
  backoffMaxMs: z.number().int().min(100).default(1_800_000),
  /** Transient failures of one step in a row before the hand-over fails for good (visible in its status; start a new one). */
  maxAttempts: z.number().int().min(1).max(100).default(12),
  /** One replica works a hand-over at a time (a lease): it lapses this long after a replica died. */
  leaseMs: z.number().int().min(1000).max(600_000).default(60_000),
  /** Customers per transfer call (Tencent allows 100) and groups per group transfer call (1 … 100). */
  batchSize: z.number().int().min(1).max(100).default(100),
  /** In-service transfers of one customer the gateway allows in `capWindowDays` (Tencent: 2 in 90 days). */
  capPerCustomer: z.number().int().min(1).max(2).default(2),
  capWindowDays: z.number().int().min(90).max(365).default(90),
});

/** A validated `handover:` block. */
export type HandoverConfig = z.infer<typeof handoverConfigSchema>;
