import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LRUCache } from 'lru-cache';
import type { Lang } from '../../domain/lang';
import type { AudioFrame } from '../../media/frame';
import { encodeWav } from '../../media/wav';
import {
  throwIfAborted,
  validateSynthesisInput,
  type SynthesizeOptions,
  type Synthesizer,
} from '../synthesizer';
import { concatFrames } from '../../media/frame';
import { framesOf } from '../../media/reframer';
import { WavStreamDecoder } from './wav-stream-decoder';

export interface SynthesisCacheOptions {
  /** Memory budget for cached audio; least recently used clips are dropped first. Default 64 MiB. */
  readonly maxBytes?: number;
  /** Optional directory of `<key>.wav` files that survives restarts (created on first write). */
  readonly dir?: string;
}

export interface SynthesisCacheStats {
  memoryHits: number;
  diskHits: number;
  misses: number;
}

export interface CachingSynthesizer extends Synthesizer {
  /** Synthesizes each text once so later calls cost nothing. */
  prewarm(texts: readonly string[], opts: SynthesizeOptions): Promise<void>;
  readonly stats: Readonly<SynthesisCacheStats>;
}

interface Clip {
  readonly samples: Int16Array;
  readonly sampleRateHz: number;
}

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Remembers finished syntheses by engine + voice + rate + language + speed + text, so fixed
 * prompts are synthesized once. Only complete results are stored (never aborted or failed ones).
 */
export function cachingSynthesizer(inner: Synthesizer, options: SynthesisCacheOptions = {}): CachingSynthesizer {
  const memory = new LRUCache<string, Clip>({
    maxSize: options.maxBytes ?? DEFAULT_MAX_BYTES,
    sizeCalculation: (clip) => Math.max(1, clip.samples.byteLength),
  });
  const stats: SynthesisCacheStats = { memoryHits: 0, diskHits: 0, misses: 0 };
  const dir = options.dir;

  const keyFor = (text: string, lang: Lang, rate: number): string => {
    const info = inner.describe(lang);
    return createHash('sha256')
      .update(JSON.stringify([info.engine, info.voice, info.sampleRateHz, lang, rate, text]))
      .digest('hex');
  };

  const readDisk = async (key: string): Promise<Clip | undefined> => {
    if (!dir) return undefined;
    try {
      const decoder = new WavStreamDecoder('synthesis cache');
      const frames = [...decoder.push(await readFile(join(dir, `${key}.wav`))), ...decoder.end()];
      const first = frames[0];
      return first ? { samples: concatFrames(frames), sampleRateHz: first.sampleRateHz } : undefined;
    } catch {
      // Missing or unreadable cache files are just misses.
      return undefined;
    }
  };

  const writeDisk = async (key: string, clip: Clip): Promise<void> => {
    if (!dir) return;
    const tmp = join(dir, `.${key}.${randomUUID()}.tmp`);
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(tmp, encodeWav({ sampleRateHz: clip.sampleRateHz, channels: [clip.samples] }));
      // Rename is atomic, so a crash never leaves a half-written clip under the real name.
      await rename(tmp, join(dir, `${key}.wav`));
    } catch {
      // The disk cache is an optimisation: a full or read-only disk must not break speech.
      await rm(tmp, { force: true }).catch(() => {});
    }
  };

  async function* run(text: string, opts: SynthesizeOptions): AsyncGenerator<AudioFrame> {
    validateSynthesisInput(text, opts);
    throwIfAborted(opts.signal);
    const key = keyFor(text, opts.lang, opts.rate ?? 1);
    let clip = memory.get(key);
    if (clip) stats.memoryHits++;
    else {
      clip = await readDisk(key);
      if (clip) {
        stats.diskHits++;
        memory.set(key, clip);
      }
    }
    if (clip) {
      for (const frame of framesOf(clip.samples, clip.sampleRateHz)) {
        throwIfAborted(opts.signal);
        yield frame;
      }
      return;
    }
    stats.misses++;
    const collected: AudioFrame[] = [];
    for await (const frame of inner.synthesize(text, opts)) {
      // Keep a private copy: the consumer may reuse or modify the frame it receives.
      collected.push({ samples: frame.samples.slice(), sampleRateHz: frame.sampleRateHz });
      yield frame;
    }
    const first = collected[0];
    if (!first) return;
    const fresh = { samples: concatFrames(collected), sampleRateHz: first.sampleRateHz };
    memory.set(key, fresh);
    await writeDisk(key, fresh);
  }

  return {
    stats,
    describe: (lang) => inner.describe(lang),
    synthesize: (text, opts) => run(text, opts),
    prewarm: async (texts, opts) => {
      for (const text of texts) {
        for await (const _frame of run(text, opts)) {
          // Draining is the point: the clip lands in the cache.
        }
      }
    },
  };
}
