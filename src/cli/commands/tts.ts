import { Command, CommanderError } from 'commander';
import { isLang, type Lang } from '../../domain/lang';
import type { AudioFrame } from '../../media/frame';
import { writeWavFile } from '../../media/wav';
import { SynthesisError, type Synthesizer } from '../../speech/synthesizer';
import { concatFrames } from '../../media/frame';
import {
  createSynthesizer,
  DEFAULT_ENGINE_FOR_LANG,
  type SynthesisEngineName,
  isSynthesisEngineName,
  SYNTHESIS_ENGINES,
  type SynthesisConfig,
} from '../../speech/synthesis/engine-registry';
import { sayDigits, SayAsError, sayEmail } from '../../speech/synthesis/say-as';
import { CliError } from '../cli-error';

export interface TtsCommandDeps {
  /** Builds the synthesizer; the real engines by default. */
  createSynthesizer?: (config: SynthesisConfig) => Synthesizer;
  print?: (line: string) => void;
}

interface TtsOptions {
  lang?: string;
  output?: string;
  engine?: string;
  rate?: string;
  sayAs?: string;
  voice?: string;
}

const SAY_AS = ['text', 'digits', 'email'] as const;

/** `aizuchi tts --lang ja|en "TEXT" -o out.wav`: speak text into a PCM16 mono WAV file. */
export function ttsCommand(deps: TtsCommandDeps = {}): Command {
  const build = deps.createSynthesizer ?? ((config: SynthesisConfig) => createSynthesizer({ ...config, cache: false }));
  const print = deps.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const cmd = new Command('tts')
    .description('synthesize speech into a PCM16 mono WAV file (at the engine’s native rate)')
    .argument('[text]', 'what to say')
    .option('--lang <lang>', 'language: ja or en')
    .option('-o, --output <file>', 'WAV file to write')
    .option('--engine <name>', `engine: ${Object.keys(SYNTHESIS_ENGINES).join(' or ')} (default: by language)`)
    .option('--rate <multiplier>', 'speaking speed, 1 = normal')
    .option('--voice <voice>', 'open_jtalk: path to an .htsvoice file; espeak: voice name (e.g. en-gb)')
    .option('--say-as <kind>', `read the text as ${SAY_AS.join(', ')} (digits/email: one character at a time)`, 'text')
    .configureOutput({ outputError: () => {} })
    .exitOverride((error: CommanderError) => {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') throw error;
      throw new CliError(error.message.replace(/^error: /u, ''));
    })
    .action(async (text: string | undefined, opts: TtsOptions) => {
      const lang = parseLang(opts.lang);
      if (!opts.output) throw new CliError('-o/--output <file.wav> is required');
      if (text === undefined || text.trim() === '') throw new CliError('nothing to say: give the text as an argument');
      const rate = parseRate(opts.rate);
      const engine = opts.engine;
      if (engine !== undefined && !isSynthesisEngineName(engine)) {
        throw new CliError(`--engine must be one of ${Object.keys(SYNTHESIS_ENGINES).join(', ')}, got "${engine}"`);
      }
      const spoken = prepare(text, lang, opts.sayAs ?? 'text');
      const synth = build(synthesisConfig(lang, engine, opts.voice));
      const frames: AudioFrame[] = [];
      try {
        for await (const frame of synth.synthesize(spoken, { lang, rate })) frames.push(frame);
      } catch (error) {
        if (error instanceof SynthesisError) throw new CliError(`tts failed: ${error.message}`, 1);
        throw error;
      }
      const sampleRateHz = frames[0]?.sampleRateHz ?? synth.describe(lang).sampleRateHz;
      const samples = concatFrames(frames);
      try {
        await writeWavFile(opts.output, { sampleRateHz, channels: [samples] });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
        throw new CliError(`cannot write ${opts.output} (${code})`, 1);
      }
      const seconds = (samples.length / sampleRateHz).toFixed(2);
      print(`wrote ${opts.output}: ${seconds} s, ${sampleRateHz} Hz mono (${synth.describe(lang).engine})`);
    });
  return cmd;
}

function synthesisConfig(lang: Lang, engine: SynthesisEngineName | undefined, voice: string | undefined): SynthesisConfig {
  const engines = engine ? { [lang]: engine } : {};
  if (voice === undefined) return { engines };
  const chosen = engine ?? DEFAULT_ENGINE_FOR_LANG[lang];
  return chosen === 'openjtalk' ? { engines, openjtalk: { voicePath: voice } } : { engines, espeak: { voices: { [lang]: voice } } };
}

function parseLang(value: string | undefined): Lang {
  if (!isLang(value)) throw new CliError(`--lang must be "ja" or "en", got ${value === undefined ? 'nothing' : `"${value}"`}`);
  return value;
}

function parseRate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const rate = Number(value);
  if (!Number.isFinite(rate) || rate < 0.25 || rate > 4) {
    throw new CliError(`--rate must be a number from 0.25 to 4, got "${value}"`);
  }
  return rate;
}

function prepare(text: string, lang: Lang, sayAs: string): string {
  try {
    if (sayAs === 'text') return text;
    if (sayAs === 'digits') return sayDigits(text, lang);
    if (sayAs === 'email') return sayEmail(text, lang);
  } catch (error) {
    if (error instanceof SayAsError) throw new CliError(error.message);
    throw error;
  }
  throw new CliError(`--say-as must be one of ${SAY_AS.join(', ')}, got "${sayAs}"`);
}
