import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/config';
import { type RunningServer, type Services, createServices, startServer } from '../../../src/main';
import { freePort } from './test-server';

/** The real server on the demo's wiring, with its temp data directory. */
export interface DemoServer {
  dataDir: string;
  services: Services;
  server: RunningServer;
  /** Stops the server and removes the data directory. */
  stop(): Promise<void>;
}

/**
 * The server as scripts/start.sh runs it: the default wiring (no dialer, no withSoftphone: the
 * built-in softphone and voice engines) and the `mailbox` policy, opened all hours with no
 * holidays, no response floor and callbacks due at once so a story runs without waiting. It listens
 * on a free port known before it binds, because the public URL in mailed links comes from PORT.
 * Data lives in a fresh `<tmp>/<prefix>XXXXXX` directory. Shared by the README story and the voice
 * desk rig.
 */
export async function startDemoServer(prefix: string): Promise<DemoServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const port = await freePort();
  const config = loadConfig({
    PORT: String(port),
    AIZUCHI_MAIL_CATCHER_PORT: '0',
    AIZUCHI_METRICS_PORT: '0',
    AIZUCHI_DATA_DIR: dataDir,
    AIZUCHI_CALLBACK_LEAD_SEC: '0',
    AIZUCHI_BUSINESS_HOURS: 'mon-sun 00:00-24:00',
    AIZUCHI_JAPANESE_HOLIDAYS: 'false',
    AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0',
    AIZUCHI_LOG_LEVEL: 'silent',
    // scripts/start.sh starts the demo under `mailbox`: the softphone proves no phone possession.
    AIZUCHI_POLICY: 'mailbox',
  });
  const services = await createServices(config);
  const server = await startServer(services);
  return {
    dataDir,
    services,
    server,
    async stop() {
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
