import Redis from 'ioredis';
import { BullQueue } from './bull-queue';
import { describeQueueContract } from './queue.contract';

const REDIS_URL = process.env['QUEUE_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const prefixes: string[] = [];

describeQueueContract('bull', (logger) => {
  // A fresh prefix per test: parallel test files and earlier tests never see each other's keys.
  const prefix = `cgw-test-${process.pid}-${prefixes.length}-${Date.now().toString(36)}`;
  prefixes.push(prefix);
  return new BullQueue({ redisUrl: REDIS_URL, prefix }, logger);
});

afterAll(async () => {
  const redis = new Redis(REDIS_URL, { protocol: 2 });
  try {
    for (const prefix of prefixes) {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
    }
  } finally {
    redis.disconnect();
  }
});
