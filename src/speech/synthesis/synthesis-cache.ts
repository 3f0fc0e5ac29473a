import { createHash, randomUUID } from 'node:crypto';
import { readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LRUCache } from 'lru-cache';
import type { Lang } from '../../domain/lang';
import type { AudioFrame } from '../../media/frame';
import { encodeWav } from '../../media/wav';
import { throwIfAborted, validateSynthesisInput, type SynthesizeOptions, type Synthesizer } from '../synthesizer';
import { concatFrames } from '../../media/frame';
import { framesOf } from '../../media/reframer';
import { WavStreamDecoder } from './wav-stream-decoder';
import { PRIVATE_FILE_MODE, makePrivateDir } from '../../store/private-files';

export interface SynthesisCacheOptions {
  /** Memory budget for cached audio; least recently used clips are dropped first. Default 64 MiB. */
  readonly maxBytes?: number;
  /** At most this many clips in memory, least recently used dropped first. Default 1,000. */
  readonly maxEntries?: number;
  /**
   * Optional directory of `<key>.wav` files that survives restarts (created 0700 on first write,
   * files 0600). Only prewarmed prompts are written there, never what a call says: live sentences
   * can carry a customer's name, and the disk is outside any retention (issue 7, finding 9).
   */
  readonly dir?: string;
  /** At most this many files in `dir`; the least recently written go first. Default 500. */
  readonly maxDiskEntries?: number;
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
const DEFAULT_MAX_ENTRIES = 1000;
const DEFAULT_MAX_DISK_ENTRIES = 500;

/**
 * Remembers finished syntheses by engine + voice + rate + language + speed + text, so fixed
 * prompts are synthesized once. Only complete results are stored (never aborted or failed ones).
 * Memory is bounded by bytes and entries (LRU); the disk holds prewarmed prompts only, bounded too.
 */
export function cachingSynthesizer(inner: Synthesizer, options: SynthesisCacheOptions = {}): CachingSynthesizer {
  const memory = new LRUCache<string, Clip>({
    maxSize: options.maxBytes ?? DEFAULT_MAX_BYTES,
    max: options.maxEntries ?? DEFAULT_MAX_ENTRIES,
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
      await makePrivateDir(dir);
      await writeFile(tmp, encodeWav({ sampleRateHz: clip.sampleRateHz, channels: [clip.samples] }), { mode: PRIVATE_FILE_MODE });
      // Rename is atomic, so a crash never leaves a half-written clip under the real name.
      await rename(tmp, join(dir, `${key}.wav`));
      await trimDisk(dir, options.maxDiskEntries ?? DEFAULT_MAX_DISK_ENTRIES);
    } catch {
      // The disk cache is an optimisation: a full or read-only disk must not break speech.
      await rm(tmp, { force: true }).catch(() => {});
    }
  };

  /** `persist`: a prewarmed prompt, which may also go to disk; never set for what a call says. */
  async function* run(text: string, opts: SynthesizeOptions, persist: boolean): AsyncGenerator<AudioFrame> {
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
    if (persist) await writeDisk(key, fresh);
  }

  return {
    stats,
    describe: (lang) => inner.describe(lang),
    synthesize: (text, opts) => run(text, opts, false),
    prewarm: async (texts, opts) => {
      for (const text of texts) {
        for await (const _frame of run(text, opts, true)) {
          // Draining is the point: the clip lands in the cache.
        }
      }
    },
  };
}

/** Keeps at most `max` clips in the disk cache, removing the least recently written first. */
async function trimDisk(dir: string, max: number): Promise<void> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.wav'));
  if (names.length <= max) return;
  const dated = await Promise.all(names.map(async (n) => ({ n, at: (await stat(join(dir, n)).catch(() => null))?.mtimeMs ?? 0 })));
  dated.sort((a, b) => a.at - b.at);
  for (const { n } of dated.slice(0, names.length - max)) await rm(join(dir, n), { force: true });
}
