import { spawn as nodeSpawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { access, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import type { Lang } from '../../domain/lang';
import type { AudioFrame } from '../../media/frame';
import { superviseEngineProcess, type SpawnProcess } from '../synthesis/engine-process';
import { WavStreamDecoder } from '../synthesis/wav-stream-decoder';
import { splitSentences } from '../synthesis/sentences';
import {
  SynthesisError,
  throwIfAborted,
  validateSynthesisInput,
  type SynthesizeOptions,
  type Synthesizer,
  type SynthesizerInfo,
} from '../synthesizer';

/** Where Debian's open-jtalk, mecab-naist-jdic and hts-voice-nitech-jp-atr503-m001 put their files. */
export const DEBIAN_OPENJTALK_PATHS = {
  binaryPath: 'open_jtalk',
  dictionaryDir: '/var/lib/mecab/dic/open-jtalk/naist-jdic',
  voicePath: '/usr/share/hts-voice/nitech-jp-atr503-m001/nitech_jp_atr503_m001.htsvoice',
} as const;

export interface OpenJTalkOptions {
  readonly binaryPath?: string;
  readonly dictionaryDir: string;
  readonly voicePath: string;
  /** Output rate; the nitech voice is trained at 48 kHz, other rates get a matching frame period. */
  readonly sampleRateHz?: number;
  readonly spawn?: SpawnProcess;
  /** Resolves when the path exists; injected for tests. */
  readonly checkPath?: (path: string) => Promise<void>;
  /** Where the per-sentence WAV files go (deleted right after reading). Defaults to the OS temp dir. */
  readonly tempDir?: string;
}

const NATIVE_RATE_HZ = 48_000;
// open_jtalk reads one line into a 1024-byte buffer; 250 chars stay under it even at 4 bytes/char.
const MAX_CHARS_PER_RUN = 250;
// All-pass constants the HTS demos use per rate; the voice file only carries the 48 kHz value.
const ALPHA_BY_RATE_HZ: Record<number, number> = { 8000: 0.31, 16000: 0.42, 22050: 0.45, 24000: 0.46, 44100: 0.53 };

export function createOpenJTalkSynthesizer(options: OpenJTalkOptions): Synthesizer {
  const binary = options.binaryPath ?? DEBIAN_OPENJTALK_PATHS.binaryPath;
  const sampleRateHz = options.sampleRateHz ?? NATIVE_RATE_HZ;
  const spawn = options.spawn ?? (nodeSpawn as SpawnProcess);
  const checkPath = options.checkPath ?? ((path: string) => access(path));
  const info: SynthesizerInfo = {
    engine: 'openjtalk',
    voice: basename(options.voicePath, extname(options.voicePath)),
    sampleRateHz,
  };
  let filesChecked: Promise<void> | undefined;

  const checkFiles = async (): Promise<void> => {
    await checkPath(options.voicePath).catch((cause: unknown) => {
      throw new SynthesisError('voice_missing', `open_jtalk voice not found: ${options.voicePath}`, false, { cause });
    });
    await checkPath(options.dictionaryDir).catch((cause: unknown) => {
      throw new SynthesisError('dictionary_missing', `open_jtalk dictionary not found: ${options.dictionaryDir}`, false, {
        cause,
      });
    });
  };

  const tempDir = options.tempDir ?? tmpdir();
  // open_jtalk cannot write to /dev/stdout when stdout is Node's socketpair (ENXIO), so it gets a file.
  const argsFor = (rate: number, wavPath: string): string[] => {
    const args = ['-x', options.dictionaryDir, '-m', options.voicePath, '-ow', wavPath, '-r', String(rate)];
    if (sampleRateHz !== NATIVE_RATE_HZ) {
      // Frame period is in samples: keep it at 5 ms or speech slows down at lower rates.
      args.push('-s', String(sampleRateHz), '-p', String(Math.round(sampleRateHz / 200)));
      const alpha = ALPHA_BY_RATE_HZ[sampleRateHz];
      if (alpha !== undefined) args.push('-a', String(alpha));
    }
    return args;
  };

  async function* run(text: string, opts: SynthesizeOptions): AsyncGenerator<AudioFrame> {
    validateSynthesisInput(text, opts);
    throwIfAborted(opts.signal);
    filesChecked ??= checkFiles();
    // A failed check is remembered only while it stays failed: retry next call.
    await filesChecked.catch((error: unknown) => {
      filesChecked = undefined;
      throw error;
    });
    // One run per piece: open_jtalk only speaks the first line and truncates long ones.
    for (const piece of splitSentences(text, { longSentenceChars: MAX_CHARS_PER_RUN, maxChars: MAX_CHARS_PER_RUN })) {
      throwIfAborted(opts.signal);
      yield* synthesizePiece(piece, opts);
    }
  }

  async function* synthesizePiece(piece: string, opts: SynthesizeOptions): AsyncGenerator<AudioFrame> {
    const wavPath = join(tempDir, `aizuchi-openjtalk-${randomUUID()}.wav`);
    const child = spawn(binary, argsFor(opts.rate ?? 1, wavPath), { stdio: ['pipe', 'pipe', 'pipe'] });
    const supervised = superviseEngineProcess(child, { engine: 'open_jtalk', stdinText: `${piece}\n`, signal: opts.signal });
    let frames: AudioFrame[];
    try {
      await supervised.done;
      const decoder = new WavStreamDecoder('open_jtalk');
      frames = [...decoder.push(await readFile(wavPath)), ...decoder.end()];
    } finally {
      supervised.release();
      await rm(wavPath, { force: true });
    }
    for (const frame of frames) {
      throwIfAborted(opts.signal);
      yield frame;
    }
  }

  return {
    describe: (_lang: Lang) => info,
    synthesize: (text, opts) => run(text, opts),
  };
}
