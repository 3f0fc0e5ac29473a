import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { carrierConformance } from '../../channels/carrier.conformance';
import { startFakeTelnyx } from './testing/fake-telnyx-server';
import { createTelnyxCarrier } from './telnyx-carrier';

const API_KEY = 'KEY_conformance';

// The Telnyx adapter against the fake Telnyx: dials are accepted and then ring (no webhooks), refusals are Telnyx's error bodies.
carrierConformance('telnyx (fake Telnyx Call Control)', async () => {
  const fake = await startFakeTelnyx({ apiKey: API_KEY, callee: () => ({ kind: 'hold' }) });
  const carrier = createTelnyxCarrier({
    config: {
      apiKey: API_KEY,
      connectionId: 'conn-1',
      from: { default: '+815012345678' },
      publicKey: fake.publicKey,
      apiUrl: fake.apiUrl,
      machineDetection: true,
    },
    publicUrl: 'http://127.0.0.1:9',
    logger: pino({ level: 'silent' }),
  });
  return {
    carrier,
    request: () => ({ callId: randomUUID(), toE164: '+819012345678', lang: 'ja', mediaToken: randomUUID(), ringTimeoutSec: 30 }),
    refuseNext: (retryable) =>
      retryable ? fake.failNextDial(500, '10007', 'Unexpected error') : fake.failNextDial(401, '10009', 'Authentication failed'),
    endRemotely: (leg) => fake.hangUpRemotely(leg.carrierCallId),
    isUp: (leg) => fake.isUp(leg.carrierCallId),
    teardown: () => fake.close(),
  };
});
