import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AudioFrame } from '../media/frame';
import type { Lang } from '../domain/lang';
import { RecognizerError, type Hypothesis, type Recognizer, type RecognizerErrorCode } from './recognizer';

/** What an engine's test file hands the suite for one test. */
export interface ConformanceSetup {
  readonly recognizer: Recognizer;
  readonly lang: Lang;
  readonly sampleRateHz: number;
  /** 20 ms frames of one utterance at `sampleRateHz`. */
  readonly utterance: readonly AudioFrame[];
  /** The final hypotheses' texts, joined, must match this. */
  readonly expectedText: string | RegExp;
  /** Recognizers rigged to fail, and how the failure must be classified. */
  readonly failures?: readonly ConformanceFailure[];
  teardown?(): Promise<void> | void;
}

export interface ConformanceFailure {
  readonly name: string;
  readonly recognizer: Recognizer;
  readonly code: RecognizerErrorCode;
  readonly retryable: boolean;
}

export interface ConformanceOptions {
  /** Failure cases to expect (names only; the setup supplies the recognizers). */
  readonly failureNames?: readonly string[];
}

export async function collectHypotheses(results: AsyncIterable<Hypothesis>): Promise<Hypothesis[]> {
  const seen: Hypothesis[] = [];
  for await (const hypothesis of results) seen.push(hypothesis);
  return seen;
}

function finalText(hypotheses: readonly Hypothesis[]): string {
  return hypotheses
    .filter((h) => h.isFinal)
    .map((h) => h.text)
    .join('');
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return undefined;
}

function catchSync(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

/**
 * Registers the behaviour every Recognizer must show — real engines against their local
 * protocol servers, and the test fake alike. Call it inside a test file.
 */
export function recognizerConformance(
  name: string,
  makeSetup: () => Promise<ConformanceSetup> | ConformanceSetup,
  options: ConformanceOptions = {},
): void {
  describe(`Recognizer conformance: ${name}`, () => {
    let setup: ConformanceSetup;

    beforeEach(async () => {
      setup = await makeSetup();
    });

    afterEach(async () => {
      await setup.teardown?.();
    });

    function start(signal?: AbortSignal) {
      return setup.recognizer.start({
        lang: setup.lang,
        sampleRateHz: setup.sampleRateHz,
        hints: ['example.com'],
        ...(signal ? { signal } : {}),
      });
    }

    it('recognises an utterance and completes after end()', async () => {
      const stream = start();
      const collecting = collectHypotheses(stream.results);
      for (const frame of setup.utterance) stream.write(frame);
      stream.end();
      const hypotheses = await collecting;

      expect(finalText(hypotheses)).toMatch(setup.expectedText);
      expect(hypotheses.at(-1)?.isFinal).toBe(true);
      for (const h of hypotheses) {
        expect(typeof h.text).toBe('string');
        expect(h.startMs).toBeGreaterThanOrEqual(0);
        expect(h.endMs).toBeGreaterThanOrEqual(h.startMs);
        if (h.confidence !== undefined) {
          expect(h.confidence).toBeGreaterThanOrEqual(0);
          expect(h.confidence).toBeLessThanOrEqual(1);
        }
      }
    });

    it('yields no hypothesis and no error when no audio was written', async () => {
      const stream = start();
      stream.end();
      const hypotheses = await collectHypotheses(stream.results);
      expect(hypotheses.filter((h) => h.isFinal && h.text !== '')).toEqual([]);
    });

    it('treats a second end() as a no-op', async () => {
      const stream = start();
      const collecting = collectHypotheses(stream.results);
      for (const frame of setup.utterance) stream.write(frame);
      stream.end();
      stream.end();
      expect(finalText(await collecting)).toMatch(setup.expectedText);
    });

    it('rejects a write after end() with a non-retryable bad-input error', async () => {
      const stream = start();
      const collecting = collectHypotheses(stream.results);
      stream.end();
      const frame = setup.utterance[0];
      if (!frame) throw new Error('conformance setup must provide at least one frame');
      const error = catchSync(() => stream.write(frame));
      expect(error).toBeInstanceOf(RecognizerError);
      expect(error).toMatchObject({ code: 'bad-input', retryable: false });
      await collecting;
    });

    it('rejects a frame at another sample rate', async () => {
      const controller = new AbortController();
      const stream = start(controller.signal);
      const collecting = collectHypotheses(stream.results);
      const otherRate = setup.sampleRateHz === 16000 ? 8000 : 16000;
      const error = catchSync(() => stream.write({ samples: new Int16Array(otherRate / 50), sampleRateHz: otherRate }));
      expect(error).toMatchObject({ name: 'RecognizerError', code: 'bad-input', retryable: false });
      controller.abort();
      await collecting;
    });

    it('rejects start options it cannot honour', () => {
      for (const sampleRateHz of [0, -16000, 16000.5, Number.NaN, 1_000_000]) {
        const error = catchSync(() => setup.recognizer.start({ lang: setup.lang, sampleRateHz }));
        expect(error).toMatchObject({ name: 'RecognizerError', code: 'bad-input', retryable: false });
      }
      const badLang = catchSync(() => setup.recognizer.start({ lang: 'xx' as Lang, sampleRateHz: setup.sampleRateHz }));
      expect(badLang).toMatchObject({ code: 'bad-input' });
    });

    it('ends results quietly when aborted mid-utterance, and ignores later writes', async () => {
      const controller = new AbortController();
      const stream = start(controller.signal);
      const collecting = collectHypotheses(stream.results);
      const half = setup.utterance.slice(0, Math.ceil(setup.utterance.length / 2));
      for (const frame of half) stream.write(frame);
      controller.abort();
      const frame = setup.utterance[0];
      if (frame) expect(() => stream.write(frame)).not.toThrow();
      stream.end();
      const hypotheses = await collecting;
      expect(hypotheses.filter((h) => h.isFinal).length).toBeLessThanOrEqual(1);
    });

    it('ends at once for an already-aborted signal', async () => {
      const stream = start(AbortSignal.abort());
      const frame = setup.utterance[0];
      if (frame) stream.write(frame);
      stream.end();
      expect(await collectHypotheses(stream.results)).toEqual([]);
    });

    for (const failureName of options.failureNames ?? []) {
      it(`fails results with a classified RecognizerError: ${failureName}`, async () => {
        const failure = setup.failures?.find((f) => f.name === failureName);
        if (!failure) throw new Error(`setup provides no failure named ${failureName}`);
        const stream = failure.recognizer.start({ lang: setup.lang, sampleRateHz: setup.sampleRateHz });
        const collecting = collectHypotheses(stream.results);
        for (const frame of setup.utterance) stream.write(frame);
        stream.end();
        const error = await caught(collecting);
        expect(error).toBeInstanceOf(RecognizerError);
        expect(error).toMatchObject({ code: failure.code, retryable: failure.retryable });
      });
    }
  });
}
