import { describe, expect, it } from 'vitest';
import { recognizerConformance, collectHypotheses } from '../recognizer.conformance';
import { RecognizerError } from '../recognizer';
import { toneFrames } from '../recognizer-test-audio';
import { FakeRecognizer } from './fake-recognizer';

const RATE = 16000;

recognizerConformance(
  'fake',
  () => ({
    recognizer: new FakeRecognizer({
      hypotheses: [
        { atAudioMs: 200, text: 'えー', isFinal: false },
        { atAudioMs: 400, text: 'エー', isFinal: true, startMs: 0, endMs: 400 },
        { text: 'ビー', isFinal: true, startMs: 400, endMs: 600, endOfSpeech: true },
      ],
    }),
    lang: 'ja',
    sampleRateHz: RATE,
    utterance: toneFrames(600, RATE),
    expectedText: 'エービー',
    failures: [
      {
        name: 'injected outage',
        recognizer: new FakeRecognizer({
          hypotheses: [],
          failure: { error: new RecognizerError('unavailable', 'scripted outage'), atAudioMs: 100 },
        }),
        code: 'unavailable',
        retryable: true,
      },
    ],
  }),
  { failureNames: ['injected outage'] },
);

describe('FakeRecognizer', () => {
  it('releases hypotheses as the scripted amount of audio is written', async () => {
    const fake = new FakeRecognizer({
      hypotheses: [
        { atAudioMs: 100, text: 'a', isFinal: false },
        { atAudioMs: 300, text: 'ab', isFinal: true },
      ],
    });
    const stream = fake.start({ lang: 'en', sampleRateHz: RATE });
    const iterator = stream.results[Symbol.asyncIterator]();
    const frames = toneFrames(300, RATE);
    for (const frame of frames.slice(0, 5)) stream.write(frame);
    expect(await iterator.next()).toEqual({ done: false, value: { text: 'a', isFinal: false, startMs: 0, endMs: 100 } });
    for (const frame of frames.slice(5)) stream.write(frame);
    expect((await iterator.next()).value).toMatchObject({ text: 'ab', isFinal: true, endMs: 300 });
    stream.end();
    expect((await iterator.next()).done).toBe(true);
    expect(fake.sessions).toEqual([{ opts: { lang: 'en', sampleRateHz: RATE }, audioMs: 300, ended: true, aborted: false }]);
  });

  it('delivers the scripted failure after the hypotheses before it', async () => {
    const error = new RecognizerError('auth', 'scripted auth failure');
    const fake = new FakeRecognizer({
      hypotheses: [{ atAudioMs: 20, text: 'x', isFinal: true }],
      failure: { error },
    });
    const stream = fake.start({ lang: 'ja', sampleRateHz: 8000 });
    const seen: string[] = [];
    const done = (async () => {
      for await (const h of stream.results) seen.push(h.text);
    })();
    for (const frame of toneFrames(100, 8000)) stream.write(frame);
    stream.end();
    await expect(done).rejects.toBe(error);
    expect(seen).toEqual(['x']);
  });

  it('varies the script per call when given a function', async () => {
    const fake = new FakeRecognizer((call) => ({ hypotheses: [{ text: `call ${call}`, isFinal: true }] }));
    const texts: string[] = [];
    for (let i = 0; i < 2; i += 1) {
      const stream = fake.start({ lang: 'ja', sampleRateHz: RATE });
      stream.write(toneFrames(20, RATE)[0]!);
      stream.end();
      texts.push(...(await collectHypotheses(stream.results)).map((h) => h.text));
    }
    expect(texts).toEqual(['call 0', 'call 1']);
  });
});
