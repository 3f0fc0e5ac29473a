import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import twilio from 'twilio';
import { afterEach, describe, expect, it } from 'vitest';
import { areaPlugins } from '../../src/compose/web';
import { loadConfig } from '../../src/config';
import { type Services, createServices } from '../../src/main';
import { createLogger } from '../../src/observability/logger';
import { buildApp } from '../../src/web/app';

const TWILIO = {
  AIZUCHI_TWILIO_ACCOUNT_SID: `AC${'3'.repeat(32)}`,
  AIZUCHI_TWILIO_AUTH_TOKEN: 'wiring-test-token',
  AIZUCHI_TWILIO_FROM: '+815012345678',
};
const TELNYX = {
  AIZUCHI_TELNYX_API_KEY: 'KEY_wiring',
  AIZUCHI_TELNYX_CONNECTION_ID: 'conn-1',
  AIZUCHI_TELNYX_FROM: '+815012345678',
  AIZUCHI_TELNYX_PUBLIC_KEY: Buffer.alloc(32, 9).toString('base64'),
};

const dirs: string[] = [];
let services: Services | null = null;
afterEach(async () => {
  await services?.close();
  services = null;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function boot(env: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-wiring-'));
  dirs.push(dir);
  const config = loadConfig({
    AIZUCHI_DATA_DIR: dir,
    AIZUCHI_MAIL_CATCHER_PORT: '0',
    AIZUCHI_PUBLIC_URL: 'https://aizuchi.example.com',
    ...env,
  });
  services = await createServices(config, { logger: createLogger('silent'), withSoftphone: false });
  return buildApp({ logger: services.logger, metrics: services.metrics, plugins: areaPlugins(services) });
}

// AIZUCHI_TELEPHONY=twilio|telnyx: the registry builds the adapter and the web app answers its webhooks (issue 8).
describe('carrier webhooks in the composed app', () => {
  it('twilio: the Twilio carrier dials, and its status route verifies signatures over the public URL', async () => {
    const app = await boot({ AIZUCHI_TELEPHONY: 'twilio', ...TWILIO });
    expect(services!.telephony?.carrier.name).toBe('twilio');
    const params = { CallSid: `CA${'f'.repeat(32)}`, CallStatus: 'ringing', SequenceNumber: '1' };
    const send = (signature?: string) =>
      app.inject({
        method: 'POST',
        url: '/telephony/twilio/status',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature ? { 'x-twilio-signature': signature } : {}) },
        payload: new URLSearchParams(params).toString(),
      });
    expect((await send()).statusCode).toBe(403);
    const signed = twilio.getExpectedTwilioSignature(
      TWILIO.AIZUCHI_TWILIO_AUTH_TOKEN,
      'https://aizuchi.example.com/telephony/twilio/status',
      params,
    );
    // An unknown leg resolves quietly (carrier.ts): 204, not a retry loop.
    expect((await send(signed)).statusCode).toBe(204);
    expect((await app.inject({ method: 'POST', url: '/telephony/telnyx/webhook', payload: {} })).statusCode).toBe(404);
    await app.close();
  });

  it('telnyx: the Telnyx carrier dials, and its webhook refuses an unsigned event', async () => {
    const app = await boot({ AIZUCHI_TELEPHONY: 'telnyx', ...TELNYX });
    expect(services!.telephony?.carrier.name).toBe('telnyx');
    const res = await app.inject({
      method: 'POST',
      url: '/telephony/telnyx/webhook',
      payload: { data: { event_type: 'call.answered', payload: { call_control_id: 'v3:x' } } },
    });
    expect(res.statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/telephony/twilio/status', payload: {} })).statusCode).toBe(404);
    await app.close();
  });

  it('naming a carrier without its account stops the boot with the variable to set', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-wiring-'));
    dirs.push(dir);
    const config = loadConfig({ AIZUCHI_DATA_DIR: dir, AIZUCHI_TELEPHONY: 'twilio' });
    await expect(createServices(config, { logger: createLogger('silent'), withSoftphone: false })).rejects.toThrow(
      /AIZUCHI_TWILIO_ACCOUNT_SID/,
    );
  });
});
