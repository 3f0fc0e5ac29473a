import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { carrierConformance } from '../../channels/carrier.conformance';
import { startFakeTwilio } from './testing/fake-twilio-server';
import { createTwilioCarrier } from './twilio-carrier';

const SID = `AC${'2'.repeat(32)}`;
const TOKEN = 'conformance-auth-token';

// The Twilio adapter against the fake Twilio: calls are accepted and then ring (no callbacks are
// sent: the public URL is never reached in this suite), refusals are Twilio's own error bodies.
carrierConformance('twilio (fake Twilio REST)', async () => {
  const fake = await startFakeTwilio({ accountSid: SID, authToken: TOKEN, callee: () => ({ kind: 'hold' }) });
  const carrier = createTwilioCarrier({
    config: { accountSid: SID, authToken: TOKEN, from: { default: '+815012345678' }, apiUrl: fake.apiUrl, machineDetection: true },
    publicUrl: 'http://127.0.0.1:9',
    logger: pino({ level: 'silent' }),
  });
  return {
    carrier,
    request: () => ({ callId: randomUUID(), toE164: '+819012345678', lang: 'ja', mediaToken: randomUUID(), ringTimeoutSec: 30 }),
    refuseNext: (retryable) =>
      retryable
        ? fake.failNextCreate(503, 20503, 'Service Unavailable')
        : fake.failNextCreate(400, 21211, "The 'To' number is not a valid phone number."),
    endRemotely: (leg) => fake.hangUpRemotely(leg.carrierCallId),
    isUp: (leg) => fake.isUp(leg.carrierCallId),
    teardown: () => fake.close(),
  };
});
