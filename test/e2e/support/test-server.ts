import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/config';
import type { Dialer } from '../../../src/cases/callback-job';
import { type Clock, systemClock } from '../../../src/domain/clock';
import { type RunningServer, type Services, createServices, startServer } from '../../../src/main';
import { createPostgresDatabase } from './databases';

export interface TestServerOptions {
  clock: Clock;
  /** Extra environment for loadConfig (limits, response floor, …). */
  env?: Record<string, string>;
  /** A PostgreSQL server URL; a fresh database is made on it. Unset: SQLite in the temp data dir. */
  postgresServerUrl?: string;
  /**
   * Listen on a known free port instead of 0, so the public URL in mailed links is reachable
   * (the public URL is derived from PORT before the server binds).
   */
  reachableLinks?: boolean;
  /** Keep the job worker running (the browser story); otherwise tests drive it with runDue(). */
  keepWorker?: boolean;
  dialer?: Dialer;
}

export interface TestServer {
  services: Services;
  server: RunningServer;
  url: string;
  dataDir: string;
  databaseUrl: string;
  stop(): Promise<void>;
}

/** Ports this test process has handed out: the kernel may give a closed port again at once (a server's PORT and mail
 * catcher port were once the same one, and it failed on the Node 24 pre-run with EADDRINUSE). */
const handedOut = new Set<number>();

/** A loopback TCP port that was free a moment ago and that this process has not handed out before. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const { port } = s.address() as net.AddressInfo;
        s.close(() => resolve(port));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

/** The real composition root and HTTP server, on a temp data dir, with the given clock. */
export async function startTestServer(opts: TestServerOptions): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-it-'));
  const pgDb = opts.postgresServerUrl ? await createPostgresDatabase(opts.postgresServerUrl) : null;
  const port = opts.reachableLinks ? await freePort() : 0;
  const config = loadConfig({
    PORT: String(port),
    AIZUCHI_MAIL_CATCHER_PORT: '0',
    AIZUCHI_METRICS_PORT: '0',
    AIZUCHI_DATA_DIR: dataDir,
    AIZUCHI_LOG_LEVEL: 'silent',
    ...(pgDb ? { AIZUCHI_DATABASE_URL: pgDb.url } : {}),
    // PostgreSQL runs jobs on pg-boss by default, and pg-boss decides what is due by the database's
    // clock: a test on a manual clock keeps the embedded queue, which reads the clock it is given.
    ...(pgDb && opts.clock !== systemClock ? { AIZUCHI_JOB_ENGINE: 'embedded' } : {}),
    ...opts.env,
  });
  const services = await createServices(config, { clock: opts.clock, dialer: opts.dialer });
  const server = await startServer(services);
  if (!opts.keepWorker) await services.jobs.worker.stop();
  return {
    services,
    server,
    url: server.url,
    dataDir,
    databaseUrl: config.databaseUrl,
    async stop() {
      await server.stop();
      await pgDb?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
