import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Carrier, CarrierLeg, OutboundCallRequest } from './carrier';
import { AizuchiError } from '../domain/errors';

/** What a carrier adapter's test file hands the suite for one test (its local fake vendor server). */
export interface CarrierConformanceSetup {
  readonly carrier: Carrier;
  /** A request the vendor fake accepts; each call gives a fresh callId and media token. */
  request(): OutboundCallRequest;
  /** The vendor refuses the next place(): `retryable` true as HTTP 429/5xx or a timeout, false as 401 or an invalid number. */
  refuseNext(retryable: boolean): Promise<void> | void;
  /** The far end ends the leg on its own (the callee hangs up). */
  endRemotely(leg: CarrierLeg): Promise<void> | void;
  /** Whether the vendor still has the leg up (ringing or answered). */
  isUp(leg: CarrierLeg): Promise<boolean> | boolean;
  teardown?(): Promise<void> | void;
}

/**
 * The behaviour src/channels/carrier.ts promises of every Carrier adapter (Twilio, Telnyx, SIP and
 * the test fake), against the adapter's local stand-in for its vendor: place() returns the vendor's
 * leg; a refusal rejects with an AizuchiError whose `retryable` says whether the same attempt may be
 * tried again, and leaves nothing up; hanging up an ended leg resolves; close() stops everything.
 * Call it inside a test file.
 */
export function carrierConformance(name: string, makeSetup: () => Promise<CarrierConformanceSetup> | CarrierConformanceSetup): void {
  describe(`Carrier conformance: ${name}`, () => {
    let setup: CarrierConformanceSetup;

    beforeEach(async () => {
      setup = await makeSetup();
    });

    afterEach(async () => {
      await setup.carrier.close?.();
      await setup.teardown?.();
    });

    it('place() returns the leg the vendor accepted, named by this carrier, one per call', async () => {
      const first = await setup.carrier.place(setup.request());
      const second = await setup.carrier.place(setup.request());
      expect(first.carrier).toBe(setup.carrier.name);
      expect(first.carrierCallId).toMatch(/\S/);
      expect(second.carrierCallId).not.toBe(first.carrierCallId);
      expect(await setup.isUp(first)).toBe(true);
    });

    it.each([
      ['a transient refusal (429/5xx) is retryable', true],
      ['a refusal for good (401, invalid number) is not retryable', false],
    ])('%s, and the next call goes through', async (_label, retryable) => {
      await setup.refuseNext(retryable);
      const refused = await setup.carrier.place(setup.request()).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(AizuchiError);
      expect((refused as AizuchiError).retryable).toBe(retryable);
      const leg = await setup.carrier.place(setup.request());
      expect(await setup.isUp(leg)).toBe(true);
    });

    it('hangup() ends a live leg, and hanging up an ended leg again resolves', async () => {
      const leg = await setup.carrier.place(setup.request());
      await setup.carrier.hangup(leg);
      expect(await setup.isUp(leg)).toBe(false);
      await expect(setup.carrier.hangup(leg)).resolves.toBeUndefined();
    });

    it('hangup() of a leg the far end already ended resolves', async () => {
      const leg = await setup.carrier.place(setup.request());
      await setup.endRemotely(leg);
      await expect(setup.carrier.hangup(leg)).resolves.toBeUndefined();
      expect(await setup.isUp(leg)).toBe(false);
    });

    it('close() hangs up the calls in progress and places no more', async () => {
      expect(setup.carrier.close).toBeTypeOf('function');
      const leg = await setup.carrier.place(setup.request());
      await setup.carrier.close!();
      expect(await setup.isUp(leg)).toBe(false);
      const after = await setup.carrier.place(setup.request()).catch((error: unknown) => error);
      expect(after).toBeInstanceOf(AizuchiError);
    });
  });
}
