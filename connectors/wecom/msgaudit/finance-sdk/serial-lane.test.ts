import { SerialLane } from './serial-lane';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SerialLane', () => {
  it('never runs two tasks at once', async () => {
    const lane = new SerialLane();
    let running = 0;
    let most = 0;
    const task = async () => {
      running++;
      most = Math.max(most, running);
      await sleep(5);
      running--;
    };
    await Promise.all(Array.from({ length: 5 }, () => lane.run(task, 1000, () => new Error('late'))));
    expect(most).toBe(1);
  });

  it('rejects the caller at the deadline but starts the next task only when the late one ends', async () => {
    const lane = new SerialLane();
    const events: string[] = [];
    const late = lane.run(async () => { await sleep(60); events.push('late ended'); }, 10, () => new Error('deadline'));
    const next = lane.run(async () => { events.push('next started'); }, 1000, () => new Error('deadline'));
    await expect(late).rejects.toThrow('deadline');
    events.push('caller rejected');
    await next;
    expect(events).toEqual(['caller rejected', 'late ended', 'next started']);
  });

  it('starts a queued task\'s deadline when it starts, not when it is queued', async () => {
    const lane = new SerialLane();
    void lane.run(() => sleep(50), 1000, () => new Error('first'));
    await expect(lane.run(() => sleep(20), 40, () => new Error('second'))).resolves.toBeUndefined();
  });

  it('passes a task\'s failure to its caller and keeps the lane going', async () => {
    const lane = new SerialLane();
    await expect(lane.run(() => Promise.reject(new Error('boom')), 1000, () => new Error('late'))).rejects.toThrow('boom');
    await expect(lane.run(async () => 7, 1000, () => new Error('late'))).resolves.toBe(7);
  });

  it('runs a queued synchronous task after the running ones, and idle waits for it', async () => {
    const lane = new SerialLane();
    const events: string[] = [];
    void lane.run(async () => { await sleep(20); events.push('call'); }, 1000, () => new Error('late'));
    void lane.then(() => events.push('destroy'));
    await lane.idle();
    expect(events).toEqual(['call', 'destroy']);
  });
});
