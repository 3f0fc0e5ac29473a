import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AudioFrame } from '../../media/frame';
import { synthesizerConformance } from '../synthesizer.conformance';
import { createSynthesizer, isSynthesisEngineName, SYNTHESIS_ENGINES } from './engine-registry';
import { ttsRealTimeFactor } from './real-time-factor';
import { createScriptedSynthesizer } from './scripted-synthesizer';

async function collect(frames: AsyncIterable<AudioFrame>): Promise<AudioFrame[]> {
  const out: AudioFrame[] = [];
  for await (const frame of frames) out.push(frame);
  return out;
}

describe('createSynthesizer', () => {
  describe('Japanese through the default stack', () => {
    synthesizerConformance(() => createSynthesizer(), {
      lang: 'ja',
      text: 'こんにちは。',
      longText: 'お電話ありがとうございます。本日はご本人様確認を行います。',
    });
  });

  describe('English through the default stack', () => {
    synthesizerConformance(() => createSynthesizer(), {
      lang: 'en',
      text: 'Hello there.',
      longText: 'Thank you for calling. We will now verify your identity.',
    });
  });

  it('routes ja to open_jtalk and en to espeak-ng by default', () => {
    const synth = createSynthesizer();
    expect(synth.describe('ja')).toMatchObject({ engine: 'openjtalk', sampleRateHz: 48_000 });
    expect(synth.describe('en')).toMatchObject({ engine: 'espeak', voice: 'en-us', sampleRateHz: 22_050 });
  });

  it('lets the configuration pick the engine per language', async () => {
    const synth = createSynthesizer({ engines: { ja: 'espeak' } });
    expect(synth.describe('ja')).toMatchObject({ engine: 'espeak', voice: 'ja' });
    const frames = await collect(synth.synthesize('こんにちは。', { lang: 'ja' }));
    expect(frames[0]?.sampleRateHz).toBe(22_050);
  });

  it('passes engine options through (open_jtalk at 16 kHz)', async () => {
    const synth = createSynthesizer({ openjtalk: { sampleRateHz: 16_000 } });
    const frames = await collect(synth.synthesize('はい。', { lang: 'ja' }));
    expect(frames[0]?.samples.length).toBe(320);
  });

  it('prewarms prompts so the next call is served from the cache', async () => {
    const synth = createSynthesizer({ openjtalk: { binaryPath: '/nonexistent/open_jtalk' } });
    await expect(synth.prewarm(['はい。'], { lang: 'ja' })).rejects.toThrow(/not found/);
    const dir = await mkdtemp(join(tmpdir(), 'aizuchi-tts-prewarm-'));
    try {
      const warm = createSynthesizer({ cache: { dir } });
      await warm.prewarm(['少々お待ちください。お電話ありがとうございます。', 'はい。'], { lang: 'ja' });
      // Cached per sentence, so a later reply reusing one sentence also hits.
      expect((await readdir(dir)).filter((f) => f.endsWith('.wav'))).toHaveLength(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('knows its engine names', () => {
    expect(Object.keys(SYNTHESIS_ENGINES).sort()).toEqual(['espeak', 'openjtalk']);
    expect(isSynthesisEngineName('espeak')).toBe(true);
    expect(isSynthesisEngineName('toString')).toBe(false);
  });
});

describe('ttsRealTimeFactor', () => {
  it('divides synthesis time by audio duration using the injected clock', async () => {
    const times = [1000, 1010, 1100];
    const clock = (): number => times.shift() ?? 1100;
    // 5 chars x 80 ms = 400 ms of audio.
    const result = await ttsRealTimeFactor(createScriptedSynthesizer(), 'abcde', 'en', clock);
    expect(result).toEqual({ synthesisMs: 100, firstFrameMs: 10, audioMs: 400, realTimeFactor: 0.25 });
  });
});
