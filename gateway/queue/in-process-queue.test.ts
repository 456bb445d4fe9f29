import { InProcessQueue } from './in-process-queue';
import { describeQueueContract } from './queue.contract';

describeQueueContract('in-process', (logger) => new InProcessQueue(logger));
