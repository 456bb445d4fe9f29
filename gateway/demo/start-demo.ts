/** Demo mode: the Tencent simulator pushes realistic traffic to the gateway; the demo app receives it. */
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/schema';
import { createTencentSimulator } from '../simulator/simulator';
import { startDemoTraffic } from '../simulator/demo-traffic';
import { startDemoApp } from './demo-app';

export interface RunningDemo {
  simulatorUrl: string;
  appUrl: string;
  stop(): Promise<void>;
}

/** Start simulator, demo app and traffic against a gateway listening on `gatewayPort`. */
export async function startDemo(config: GatewayConfig, gatewayPort: number, logger: Logger): Promise<RunningDemo> {
  const host = config.server.host === '0.0.0.0' ? '127.0.0.1' : config.server.host;
  const sim = createTencentSimulator({
    accounts: config.accounts.map((a) => ({
      appId: a.appId, appSecret: a.appSecret, originalId: a.originalId, token: a.token, encodingAESKey: a.encodingAESKey, mode: a.mode,
      callbackUrl: `http://${host}:${gatewayPort}/callback/oa/${a.id}`,
    })),
  });
  const listening = await sim.listen(config.demo.simulatorPort, '127.0.0.1');
  const apps = await Promise.all(config.apps.filter((a) => a.callbackUrl !== undefined && new URL(a.callbackUrl).port === String(config.demo.appPort)).map((a) => startDemoApp(a, config.demo.appPort)));
  for (const appId of sim.appIds) {
    const check = await sim.verifyUrl(appId);
    logger.info({ account: appId.slice(0, 6) + '…', ok: check.ok }, 'simulator: URL verification handshake');
  }
  const traffic = startDemoTraffic(sim, {
    ratePerSecond: config.demo.ratePerSecond,
    onDelivery: (_appId, report) => {
      if (report.outcome === 'failed' || report.outcome === 'bad-reply') logger.warn({ outcome: report.outcome, attempts: report.attempts.length }, 'simulator: push not acknowledged');
    },
  });
  return {
    simulatorUrl: listening.url,
    appUrl: `http://127.0.0.1:${config.demo.appPort}/wechat`,
    async stop() {
      await traffic.stop();
      await Promise.all(apps.map((a) => a.close()));
      await listening.close();
    },
  };
}
