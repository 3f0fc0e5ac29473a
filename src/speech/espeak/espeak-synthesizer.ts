import { spawn as nodeSpawn } from 'node:child_process';
import type { Lang } from '../../domain/lang';
import type { AudioFrame } from '../../media/frame';
import { framesFromEngineStdout, type SpawnProcess } from '../synthesis/engine-process';
import {
  SynthesisError,
  validateSynthesisInput,
  throwIfAborted,
  type SynthesizeOptions,
  type Synthesizer,
  type SynthesizerInfo,
} from '../synthesizer';

export interface EspeakOptions {
  readonly binaryPath?: string;
  /** espeak-ng voice per language; Japanese works but sounds poor (open_jtalk is the ja default). */
  readonly voices?: Partial<Record<Lang, string>>;
  readonly spawn?: SpawnProcess;
}

export const DEFAULT_ESPEAK_VOICES: Record<Lang, string> = { en: 'en-us', ja: 'ja' };

// espeak-ng's built-in voices all render at 22 050 Hz (MBROLA voices would differ; not supported).
const ESPEAK_RATE_HZ = 22_050;
const NORMAL_WORDS_PER_MINUTE = 175;

export function createEspeakSynthesizer(options: EspeakOptions = {}): Synthesizer {
  const binary = options.binaryPath ?? 'espeak-ng';
  const spawn = options.spawn ?? (nodeSpawn as SpawnProcess);
  const voiceFor = (lang: Lang): string => options.voices?.[lang] ?? DEFAULT_ESPEAK_VOICES[lang];

  async function* run(text: string, opts: SynthesizeOptions): AsyncGenerator<AudioFrame> {
    validateSynthesisInput(text, opts);
    throwIfAborted(opts.signal);
    const voice = voiceFor(opts.lang);
    const wordsPerMinute = Math.round(NORMAL_WORDS_PER_MINUTE * (opts.rate ?? 1));
    // Text goes through stdin so it can never be read as an option; -b 1 = UTF-8 input.
    const args = ['--stdout', '--stdin', '-b', '1', '-v', voice, '-s', String(wordsPerMinute)];
    const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    try {
      yield* framesFromEngineStdout(child, { engine: 'espeak-ng', stdinText: text, signal: opts.signal });
    } catch (error) {
      if (error instanceof SynthesisError && error.code === 'engine_failed' && /voice does not exist/i.test(error.message)) {
        throw new SynthesisError('voice_missing', `espeak-ng voice not found: ${voice}`, false, { cause: error });
      }
      throw error;
    }
  }

  return {
    describe: (lang: Lang): SynthesizerInfo => ({ engine: 'espeak', voice: voiceFor(lang), sampleRateHz: ESPEAK_RATE_HZ }),
    synthesize: (text, opts) => run(text, opts),
  };
}
