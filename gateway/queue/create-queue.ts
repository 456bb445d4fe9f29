/** Picks the JobQueue back end from configuration; the composition root is its only caller. */
import { BullQueue } from './bull-queue';
import { InProcessQueue } from './in-process-queue';
import type { JobQueue, QueueLogger } from './job-queue';

/** Queue configuration, as validated by the gateway's config schema. */
export type CreateQueueConfig = { type: 'in-process' } | { type: 'bull'; redisUrl: string; prefix: string };

/** Build the configured queue; the bull queue connects in the background, so this never waits on Redis. */
export function createQueue(config: CreateQueueConfig, logger?: QueueLogger): JobQueue {
  switch (config.type) {
    case 'in-process':
      return new InProcessQueue(logger);
    case 'bull':
      return new BullQueue({ redisUrl: config.redisUrl, prefix: config.prefix }, logger);
  }
}
