import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoreTransaction } from '../jobs/queue';
import type { Dialer } from './dialer';
import { AizuchiError } from '../domain/errors';

/** What a dialer's test file hands the suite for one test. */
export interface DialerConformanceSetup {
  readonly dialer: Dialer;
  /** A new case, scheduled for a callback; returns its id. */
  newCase(): Promise<string>;
  /** Runs `fn` in a store transaction (committed when it resolves, rolled back when it throws). */
  inTransaction<T>(fn: (trx: StoreTransaction) => Promise<T>): Promise<T>;
  /** Moves the case to `calling` with this attempt number, as the callback job and call-now do. */
  startCalling(trx: StoreTransaction, caseId: string, attempt: number): Promise<void>;
  /** Whether the customer could pick up a call for this case now (a live link, a ringing page). */
  answerable(caseId: string): Promise<boolean>;
  /**
   * What this dialer claims about its calls beside `dial` (e.g. whether reaching the customer proves
   * possession of the phone on record), by member name; the suite checks the dialer shows exactly
   * these values before and after dialling. A capability added to Dialer needs only a line here.
   */
  readonly capabilities?: Readonly<Record<string, boolean | string | number>>;
  teardown?(): Promise<void> | void;
}

class Rollback extends AizuchiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'rollback', cause: options?.cause });
  }
}

/**
 * Registers the behaviour dialer.ts promises of every Dialer — the text and softphone dialers and
 * the test fake: the ring happens inside the transaction that moves the case to `calling`, so a
 * commit leaves a call to answer and a rollback leaves none; each case rings on its own. Capabilities (plain values beside `dial`) are checked as the setup states them,
 * so a new one needs no change to the suite. Call it inside a test file.
 */
export function dialerConformance(name: string, makeSetup: () => Promise<DialerConformanceSetup> | DialerConformanceSetup): void {
  describe(`Dialer conformance: ${name}`, () => {
    let setup: DialerConformanceSetup;

    beforeEach(async () => {
      setup = await makeSetup();
    });

    afterEach(async () => {
      await setup.teardown?.();
    });

    const dialIn = (caseId: string, attempt: number) =>
      setup.inTransaction(async (trx) => {
        await setup.startCalling(trx, caseId, attempt);
        await setup.dialer.dial(trx, caseId, attempt);
      });

    it('leaves a call to answer once the dialling transaction commits', async () => {
      const caseId = await setup.newCase();
      expect(await setup.answerable(caseId)).toBe(false);
      await dialIn(caseId, 1);
      expect(await setup.answerable(caseId)).toBe(true);
    });

    it('leaves nothing to answer when the dialling transaction rolls back', async () => {
      const caseId = await setup.newCase();
      const outcome = await setup
        .inTransaction(async (trx) => {
          await setup.startCalling(trx, caseId, 1);
          await setup.dialer.dial(trx, caseId, 1);
          throw new Rollback('the case change failed after the dial');
        })
        .catch((error: unknown) => error);
      expect(outcome).toBeInstanceOf(Rollback);
      expect(await setup.answerable(caseId)).toBe(false);
    });

    it('rings only the case it was asked to', async () => {
      const dialled = await setup.newCase();
      const other = await setup.newCase();
      await dialIn(dialled, 1);
      expect(await setup.answerable(dialled)).toBe(true);
      expect(await setup.answerable(other)).toBe(false);
    });

    it('shows the capabilities it declares, unchanged by dialling', async () => {
      const declared = setup.capabilities ?? {};
      const shown = () =>
        Object.fromEntries(Object.keys(declared).map((key) => [key, (setup.dialer as unknown as Record<string, unknown>)[key]]));
      expect(shown()).toEqual(declared);
      await dialIn(await setup.newCase(), 1);
      expect(shown()).toEqual(declared);
    });
  });
}
