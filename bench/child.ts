/** Child processes for benchmarks: a server in its own process prints {"port":N}; we read its peak RSS from /proc. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

export interface ServerProcess {
  port: number;
  pid: number;
  /** Peak resident set size so far (VmHWM), MiB. */
  peakRssMb(): number;
  stop(): Promise<void>;
}

const ROOT = join(__dirname, '..');

/** Start `node --import tsx <entry> ...args` and wait for its port line. */
export async function startServerProcess(entry: string, args: string[] = []): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(ROOT, entry), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code} before listening`)));
  });
  return {
    port,
    pid: child.pid!,
    peakRssMb() {
      const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
      return kb ? Math.round(Number(kb) / 1024) : NaN;
    },
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
      await exited;
      clearTimeout(timer);
    },
  };
}
