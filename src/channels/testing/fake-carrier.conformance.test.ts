import { randomUUID } from 'node:crypto';
import { carrierConformance } from '../carrier.conformance';
import { FakeCarrier } from './fake-carrier';

// The fake every carrier-call test dials through keeps the promises real adapters keep.
carrierConformance('fake carrier (tests)', () => {
  const carrier = new FakeCarrier({ name: 'sip' });
  return {
    carrier,
    request: () => ({ callId: randomUUID(), toE164: '+819012345678', lang: 'ja', mediaToken: randomUUID(), ringTimeoutSec: 30 }),
    refuseNext: (retryable) => carrier.refuseNext(retryable),
    endRemotely: (leg) => carrier.endRemotely(leg),
    isUp: (leg) => carrier.isUp(leg),
  };
});
