/** Child processes for benchmarks: a server in its own process prints {"port":N}; we read its peak RSS from /proc. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

export interface ServerProcess {
  port: number;
  pid: number;
  /** Peak resident set size so far (VmHWM), MiB, summed over the process and its worker processes. */
  peakRssMb(): number;
  /** CPU time (user + system) the process and its worker processes have used so far, ms. */
  cpuMs(): number;
  stop(): Promise<void>;
}

const ROOT = join(__dirname, '..');

/** CPU time (user + system) of a live process, ms, from /proc (clock ticks of 10 ms). */
export function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Start `node [...nodeArgs] --import tsx <entry> ...args` and wait for its port line. */
export async function startServerProcess(entry: string, args: string[] = [], nodeArgs: string[] = []): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(ROOT, entry), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code} before listening`)));
  });
  return {
    port,
    pid: child.pid!,
    peakRssMb() {
      const hwm = (pid: string): number => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
      return Math.round(withWorkers(child.pid!).reduce((kb, pid) => kb + hwm(pid), 0) / 1024);
    },
    // A cluster's workers included (a worker that exited since is not: compare figures taken while they all run).
    cpuMs: () => withWorkers(child.pid!).reduce((ms, pid) => ms + processCpuMs(Number(pid)), 0),
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The process and its child processes (a cluster's workers). */
function withWorkers(pid: number): string[] {
  return [String(pid), ...readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)];
}
