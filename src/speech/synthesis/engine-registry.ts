import type { Lang } from '../../domain/lang';
import { createEspeakSynthesizer, type EspeakOptions } from '../espeak/espeak-synthesizer';
import { createOpenJTalkSynthesizer, DEBIAN_OPENJTALK_PATHS, type OpenJTalkOptions } from '../openjtalk/openjtalk-synthesizer';
import type { SynthesizeOptions, Synthesizer } from '../synthesizer';
import { sentenceStreaming } from './sentence-streaming';
import { type SentenceSplitOptions, splitSentences } from './sentences';
import { cachingSynthesizer, type SynthesisCacheOptions } from './synthesis-cache';
import { applyPronunciations, BUILT_IN_PRONUNCIATIONS, pronouncingSynthesizer, type PronunciationLexicon } from './pronunciation-lexicon';

export interface SynthesisConfig {
  /** Engine per language; default ja → openjtalk, en → espeak. */
  readonly engines?: Partial<Record<Lang, SynthesisEngineName>>;
  /** open_jtalk paths and rate; Debian's locations by default. */
  readonly openjtalk?: Partial<OpenJTalkOptions>;
  readonly espeak?: EspeakOptions;
  /** Cache options, or false for none (e.g. to measure raw engine speed). */
  readonly cache?: SynthesisCacheOptions | false;
  readonly sentences?: SentenceSplitOptions;
  /** Applied to every sentence before the engine sees it; the built-in entries by default. */
  readonly pronunciations?: PronunciationLexicon;
}

/** Adding an engine = one folder + one line here. */
export const SYNTHESIS_ENGINES = {
  openjtalk: (config: SynthesisConfig): Synthesizer => createOpenJTalkSynthesizer({ ...DEBIAN_OPENJTALK_PATHS, ...config.openjtalk }),
  espeak: (config: SynthesisConfig): Synthesizer => createEspeakSynthesizer(config.espeak),
} satisfies Record<string, (config: SynthesisConfig) => Synthesizer>;

export type SynthesisEngineName = keyof typeof SYNTHESIS_ENGINES;

export const DEFAULT_ENGINE_FOR_LANG: Record<Lang, SynthesisEngineName> = { ja: 'openjtalk', en: 'espeak' };

export function isSynthesisEngineName(value: unknown): value is SynthesisEngineName {
  return typeof value === 'string' && Object.hasOwn(SYNTHESIS_ENGINES, value);
}

export interface AppSynthesizer extends Synthesizer {
  /** Synthesizes fixed prompts ahead of time so they cost nothing on a call. */
  prewarm(texts: readonly string[], opts: SynthesizeOptions): Promise<void>;
}

/**
 * The synthesizer the app uses: routes by language to the configured engine, applies the
 * pronunciation lexicon, caches per sentence, and streams sentence by sentence.
 */
export function createSynthesizer(config: SynthesisConfig = {}): AppSynthesizer {
  const instances = new Map<SynthesisEngineName, Synthesizer>();
  const engineFor = (lang: Lang): Synthesizer => {
    const name = config.engines?.[lang] ?? DEFAULT_ENGINE_FOR_LANG[lang];
    let engine = instances.get(name);
    if (!engine) {
      engine = SYNTHESIS_ENGINES[name](config);
      instances.set(name, engine);
    }
    return engine;
  };
  const routed: Synthesizer = {
    describe: (lang) => engineFor(lang).describe(lang),
    synthesize: (text, opts) => engineFor(opts.lang).synthesize(text, opts),
  };
  const lexicon = config.pronunciations ?? BUILT_IN_PRONUNCIATIONS;
  const cache = config.cache === false ? null : cachingSynthesizer(routed, config.cache);
  // Outside the cache, so clips are keyed by what was spoken: a changed lexicon never replays a stale clip.
  const streaming = sentenceStreaming(pronouncingSynthesizer(cache ?? routed, lexicon), config.sentences);
  return {
    describe: (lang) => streaming.describe(lang),
    synthesize: (text, opts) => streaming.synthesize(text, opts),
    prewarm: async (texts, opts) => {
      // Split as the streaming layer splits, so a reply reusing one sentence hits its clip; only
      // prewarmed prompts may reach the disk cache (never what a call says, e.g. a name).
      const sentences = texts
        .flatMap((text) => splitSentences(text, config.sentences))
        .map((s) => applyPronunciations(s, lexicon[opts.lang]));
      if (cache) return cache.prewarm(sentences, opts);
      for (const sentence of sentences) {
        for await (const _frame of routed.synthesize(sentence, opts)) {
          // Without a cache, prewarming only proves the engine works.
        }
      }
    },
  };
}
