import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { type RunningServer, createServices, startServer } from '../../src/main';
import { rms } from '../../src/media/testing/signals';
import { createLogger } from '../../src/observability/logger';
import { notTakingCallsText } from '../../src/telephony/audiosocket';
import { connectAudioSocket } from '../../src/telephony/audiosocket/testing/audiosocket-client';

// Issue 8 §4: Asterisk hands a call to aizuchi over AudioSocket. No attempt is bound to a UUID
// (aizuchi places no calls through Asterisk) and call-in is not wired to AudioSocket yet, so the
// whole server answers with the call-in notice, spoken by the real voice engines, and hangs up.

describe('AudioSocket on the whole server', () => {
  let server: RunningServer | null = null;
  let dataDir = '';
  afterEach(async () => {
    await server?.stop();
    server = null;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function serve(env: Record<string, string> = {}) {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-audiosocket-'));
    const services = await createServices(
      loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        AIZUCHI_MAIL_CATCHER_PORT: '0',
        AIZUCHI_METRICS_PORT: '0',
        AIZUCHI_DATA_DIR: dataDir,
        AIZUCHI_AUDIOSOCKET_LISTEN: '127.0.0.1:0',
        ...env,
      }),
      { logger: createLogger('silent'), withSoftphone: false },
    );
    server = await startServer(services).catch(async (err: unknown) => {
      await services.close();
      throw err;
    });
    return services.audioSocket!.address()!;
  }

  it('an unbound UUID hears that the line takes no calls yet, in Japanese then English, and is hung up', async () => {
    const { port } = await serve();
    const asterisk = await connectAudioSocket(port);
    asterisk.sendUuid('7d9f3b1e-2a4c-4e6f-8a0b-1c2d3e4f5a6b');
    // Asterisk keeps sending the caller's (silent) audio while the announcement plays.
    const line = setInterval(() => asterisk.sendAudio(new Int16Array(160)), 20);
    await asterisk.closed;
    clearInterval(line);
    expect(asterisk.received.at(-1)).toEqual({ kind: 'hangup' });
    const heard = asterisk.audioHeard();
    // Two spoken sentences: several seconds of real (non-silent) speech at 8 kHz.
    expect(heard.length / 8000).toBeGreaterThan(4);
    expect(rms(heard)).toBeGreaterThan(300);
    expect(notTakingCallsText('ja', 'X')).toMatch(/お受けできません/);
    expect(notTakingCallsText('en', 'X')).toMatch(/cannot take calls yet/);
  }, 60_000);

  it('is off unless AIZUCHI_AUDIOSOCKET_LISTEN is set', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-audiosocket-'));
    const config = loadConfig({ AIZUCHI_DATA_DIR: dataDir });
    expect(config.audioSocket).toBeNull();
    expect(
      loadConfig({ AIZUCHI_DATA_DIR: dataDir, AIZUCHI_AUDIOSOCKET_LISTEN: '[::1]:9092', AIZUCHI_AUDIOSOCKET_ALLOW: '10.1.2.3, fd00::/8' })
        .audioSocket,
    ).toEqual({
      host: '::1',
      port: 9092,
      allow: ['10.1.2.3', 'fd00::/8'],
    });
    expect(loadConfig({ AIZUCHI_DATA_DIR: dataDir, AIZUCHI_AUDIOSOCKET_LISTEN: '9092' }).audioSocket).toEqual({
      host: '127.0.0.1',
      port: 9092,
      allow: ['127.0.0.1', '::1'],
    });
    expect(() => loadConfig({ AIZUCHI_DATA_DIR: dataDir, AIZUCHI_AUDIOSOCKET_LISTEN: 'pbx:port' })).toThrow(/AIZUCHI_AUDIOSOCKET_LISTEN/);
  });

  it('refuses to start on an allow-list entry that is no address', async () => {
    await expect(serve({ AIZUCHI_AUDIOSOCKET_ALLOW: '127.0.0.1,pbx.example.com' })).rejects.toMatchObject({
      code: 'audiosocket_allow_list',
    });
  });
});
