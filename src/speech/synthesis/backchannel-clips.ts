import type { Lang } from '../../domain/lang';
import type { AudioFrame } from '../../media/frame';
import type { Synthesizer } from '../synthesizer';
import { concatFrames } from '../../media/frame';
import { framesOf } from '../../media/reframer';

/** The short acknowledgements an agent drops in while the caller spells ("aizuchi"). */
export type BackchannelVariant = 'yes' | 'mmhm';
export const BACKCHANNEL_VARIANTS: readonly BackchannelVariant[] = ['yes', 'mmhm'];

export const BACKCHANNEL_TEXT: Record<Lang, Record<BackchannelVariant, string>> = {
  ja: { yes: 'はい', mmhm: 'ええ' },
  en: { yes: 'yes', mmhm: 'mm-hm' },
};

export interface BackchannelOptions {
  /** Level relative to prompts; quiet so it never sounds like the agent taking the turn. Default -10 dB. */
  readonly gainDb?: number;
  /** Samples quieter than this count as the engine's lead-in/tail silence and are trimmed. */
  readonly silenceThreshold?: number;
}

export interface BackchannelClips {
  /** 20 ms frames of the clip; synthesized once, then fresh copies from memory. */
  backchannelClip(lang: Lang, variant: BackchannelVariant): Promise<AudioFrame[]>;
  /** Synthesizes every clip for the given languages up front (e.g. at start-up). */
  prewarm(langs: readonly Lang[]): Promise<void>;
}

interface Clip {
  readonly samples: Int16Array;
  readonly sampleRateHz: number;
}

const DEFAULT_GAIN_DB = -10;
const DEFAULT_SILENCE_THRESHOLD = 200;
// Keep a little air around the word so the onset and release are not clipped.
const EDGE_MARGIN_MS = 20;

export function createBackchannelClips(synth: Synthesizer, options: BackchannelOptions = {}): BackchannelClips {
  const gain = 10 ** ((options.gainDb ?? DEFAULT_GAIN_DB) / 20);
  const threshold = options.silenceThreshold ?? DEFAULT_SILENCE_THRESHOLD;
  const clips = new Map<string, Promise<Clip>>();

  const render = async (lang: Lang, variant: BackchannelVariant): Promise<Clip> => {
    const frames: AudioFrame[] = [];
    for await (const frame of synth.synthesize(BACKCHANNEL_TEXT[lang][variant], { lang })) frames.push(frame);
    const sampleRateHz = frames[0]?.sampleRateHz ?? synth.describe(lang).sampleRateHz;
    const trimmed = trimSilence(concatFrames(frames), threshold, Math.round((sampleRateHz * EDGE_MARGIN_MS) / 1000));
    return { samples: applyGain(trimmed, gain), sampleRateHz };
  };

  const clipFor = (lang: Lang, variant: BackchannelVariant): Promise<Clip> => {
    const key = `${lang}:${variant}`;
    let pending = clips.get(key);
    if (!pending) {
      pending = render(lang, variant);
      clips.set(key, pending);
      // A failed render is forgotten so the next call retries.
      pending.catch(() => clips.delete(key));
    }
    return pending;
  };

  return {
    backchannelClip: async (lang, variant) => {
      const clip = await clipFor(lang, variant);
      return framesOf(clip.samples, clip.sampleRateHz);
    },
    prewarm: async (langs) => {
      await Promise.all(langs.flatMap((lang) => BACKCHANNEL_VARIANTS.map((variant) => clipFor(lang, variant))));
    },
  };
}

/** Drops leading and trailing samples below `threshold`, keeping `marginSamples` on each side. */
export function trimSilence(samples: Int16Array, threshold: number, marginSamples: number): Int16Array {
  let start = 0;
  while (start < samples.length && Math.abs(samples[start] ?? 0) < threshold) start++;
  let end = samples.length;
  while (end > start && Math.abs(samples[end - 1] ?? 0) < threshold) end--;
  if (start >= end) return new Int16Array(0);
  return samples.slice(Math.max(0, start - marginSamples), Math.min(samples.length, end + marginSamples));
}

function applyGain(samples: Int16Array, gain: number): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = Math.round((samples[i] ?? 0) * gain);
  return out;
}
