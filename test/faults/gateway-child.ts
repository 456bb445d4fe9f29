/**
 * A gateway in a child process (gateway-process.ts), so a test can SIGKILL it
 * and start it again on the same configuration: database, data directory,
 * key store and port.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { stringify as toYaml } from 'yaml';
import type { GatewayConfig } from '../../gateway/config/schema';

export { freePort } from '../free-port';

const GATEWAY_ENTRY = join(__dirname, 'gateway-process.ts');

/** Write a gateway configuration (as harnessConfig builds it) to a YAML file for gateway-process.ts. */
export function writeGatewayConfig(path: string, config: GatewayConfig): void {
  writeFileSync(path, toYaml(config), { mode: 0o600 });
}

/** A gateway running test/faults/gateway-process.ts; stderr (its log) is appended to `logPath`. */
export class GatewayProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly exited: Promise<number | null>,
    readonly port: number,
  ) {}

  /** Spawn and wait until it prints its port. @throws when it exits or stays silent first */
  static async start(configPath: string, logPath: string, timeoutMs = 60_000): Promise<GatewayProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', GATEWAY_ENTRY, configPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: join(__dirname, '..', '..'),
    });
    child.stderr!.pipe(createWriteStream(logPath, { flags: 'a' }));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const lines = createInterface({ input: child.stdout! });
    const diedFirst = exited.then((code) => Promise.reject(new Error(`gateway process exited with ${code} before listening; see ${logPath}`)));
    diedFirst.catch(() => undefined); // it also rejects when the process is killed later, long after it listened
    let timer: NodeJS.Timeout | undefined;
    try {
      const port = await Promise.race([
        new Promise<number>((resolve) => lines.once('line', (line) => resolve((JSON.parse(line) as { port: number }).port))),
        diedFirst,
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`gateway process did not listen within ${timeoutMs} ms; see ${logPath}`)), timeoutMs))),
      ]);
      return new GatewayProcess(child, exited, port);
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The operating-system process id (benchmarks read its peak RSS). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** SIGKILL, and wait until the process is gone. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM (graceful close), SIGKILL if it is not gone after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const gone = await Promise.race([this.exited.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)))]);
    clearTimeout(timer);
    if (!gone) await this.kill();
  }
}
