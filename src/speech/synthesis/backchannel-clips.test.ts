import { describe, expect, it } from 'vitest';
import type { Lang } from '../../domain/lang';
import type { AudioFrame } from '../../media/frame';
import { createEspeakSynthesizer } from '../espeak/espeak-synthesizer';
import { createOpenJTalkSynthesizer, DEBIAN_OPENJTALK_PATHS } from '../openjtalk/openjtalk-synthesizer';
import type { Synthesizer } from '../synthesizer';
import { BACKCHANNEL_TEXT, createBackchannelClips, trimSilence } from './backchannel-clips';
import { concatFrames } from '../../media/frame';
import { createScriptedSynthesizer } from './scripted-synthesizer';

async function collect(frames: AsyncIterable<AudioFrame>): Promise<AudioFrame[]> {
  const out: AudioFrame[] = [];
  for await (const frame of frames) out.push(frame);
  return out;
}

function peak(samples: Int16Array): number {
  let max = 0;
  for (const s of samples) max = Math.max(max, Math.abs(s));
  return max;
}

describe('trimSilence', () => {
  it('cuts quiet lead-in and tail but keeps the margin', () => {
    const samples = Int16Array.from([0, 1, 0, 0, 500, -700, 300, 0, 2, 0]);
    expect([...trimSilence(samples, 100, 1)]).toEqual([0, 500, -700, 300, 0]);
  });

  it('returns nothing for pure silence', () => {
    expect(trimSilence(new Int16Array(100), 100, 5)).toHaveLength(0);
  });
});

describe('backchannel clips', () => {
  it('synthesizes each clip once, about 10 dB below the prompt level', async () => {
    const engine = createScriptedSynthesizer();
    const clips = createBackchannelClips(engine);
    const full = concatFrames(await collect(engine.synthesize('はい', { lang: 'ja' })));
    const first = await clips.backchannelClip('ja', 'yes');
    const second = await clips.backchannelClip('ja', 'yes');
    // One call from this test for the reference level, one from the clip store, none for the repeat.
    expect(engine.calls).toEqual(['はい', 'はい']);
    expect(second).toEqual(first);
    const ratioDb = 20 * Math.log10(peak(concatFrames(first)) / peak(full));
    expect(ratioDb).toBeCloseTo(-10, 0);
  });

  it('hands out copies, so playing one cannot damage the cached clip', async () => {
    const clips = createBackchannelClips(createScriptedSynthesizer());
    const first = await clips.backchannelClip('en', 'mmhm');
    for (const frame of first) frame.samples.fill(0);
    const again = await clips.backchannelClip('en', 'mmhm');
    expect(peak(concatFrames(again))).toBeGreaterThan(0);
  });

  it('prewarms every variant', async () => {
    const engine = createScriptedSynthesizer();
    const clips = createBackchannelClips(engine);
    await clips.prewarm(['ja', 'en']);
    expect([...engine.calls].sort()).toEqual(['mm-hm', 'yes', 'ええ', 'はい'].sort());
    await clips.backchannelClip('en', 'yes');
    expect(engine.calls).toHaveLength(4);
  });

  it('retries after a failed render', async () => {
    let fail = true;
    const engine = createScriptedSynthesizer({ failFor: () => (fail ? new Error('engine down') : undefined) });
    const clips = createBackchannelClips(engine);
    await expect(clips.backchannelClip('ja', 'yes')).rejects.toThrow('engine down');
    fail = false;
    expect((await clips.backchannelClip('ja', 'yes')).length).toBeGreaterThan(0);
  });

  const real: [string, Lang, () => Synthesizer][] = [
    ['open_jtalk', 'ja', () => createOpenJTalkSynthesizer(DEBIAN_OPENJTALK_PATHS)],
    ['espeak-ng', 'en', () => createEspeakSynthesizer()],
  ];
  for (const [name, lang, create] of real) {
    it(`makes short, quieter clips with ${name}`, async () => {
      const synth = create();
      const clips = createBackchannelClips(synth);
      for (const variant of ['yes', 'mmhm'] as const) {
        const frames = await clips.backchannelClip(lang, variant);
        const full = concatFrames(await collect(synth.synthesize(BACKCHANNEL_TEXT[lang][variant], { lang })));
        const clip = concatFrames(frames);
        expect(frames.length).toBeGreaterThan(5);
        // Trimmed: shorter than the engine's raw output, which has silence around the word.
        expect(clip.length).toBeLessThan(full.length);
        expect(frames.length * 20).toBeLessThan(1500);
        expect(peak(clip)).toBeLessThan(peak(full) * 0.4);
        expect(peak(clip)).toBeGreaterThan(peak(full) * 0.25);
      }
    });
  }
});
