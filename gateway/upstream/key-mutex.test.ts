import { KeyMutex } from './key-mutex';

describe('KeyMutex', () => {
  it('runs operations on one key one at a time, in order, and others in parallel', async () => {
    const mutex = new KeyMutex();
    const log: string[] = [];
    const step = (name: string, ms: number) => async () => {
      log.push(`${name}:start`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      log.push(`${name}:end`);
    };
    await Promise.all([mutex.run('a', step('a1', 30)), mutex.run('a', step('a2', 1)), mutex.run('b', step('b1', 1))]);
    expect(log.indexOf('a1:end')).toBeLessThan(log.indexOf('a2:start'));
    expect(log.indexOf('b1:end')).toBeLessThan(log.indexOf('a1:end'));
  });

  it('is busy while an operation runs or waits, and keeps going after one fails', async () => {
    const mutex = new KeyMutex();
    const failing = mutex.run('k', async () => {
      throw new Error('boom');
    });
    expect(mutex.busy('k')).toBe(true);
    await expect(failing).rejects.toThrow('boom');
    expect(mutex.busy('k')).toBe(false);
    await expect(mutex.run('k', async () => 'next')).resolves.toBe('next');
  });
});
