import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../../config';
import type { Lang } from '../../domain/lang';
import type { RecognizerConfig } from '../../speech/recognizer';
import { createRecognizer } from '../../speech/recognizer-registry';
import { createBackchannelClips } from '../../speech/synthesis/backchannel-clips';
import { createSynthesizer } from '../../speech/synthesis/engine-registry';
import { loadPronunciationLexicon } from '../../speech/synthesis/pronunciation-lexicon';
import { BatchedSileroVad } from './batched-silero-vad';
import { createIntervalFrameClock, type FrameClock } from './frame-clock';
import { internalRateSynthesizer } from './internal-rate-synthesizer';
import { MediaShardPool } from './media-shards';
import { INTERNAL_RATE_HZ, type VoiceMedia } from './voice-bridge';

export interface VoiceRuntime {
  readonly media: VoiceMedia;
  readonly clock: FrameClock;
  /** Stops the clock, the VAD worker and the media shards. */
  close(): Promise<void>;
}

/**
 * The process-wide voice engines, built once at start-up from config: one batched Silero session (in
 * its own worker thread), the synthesizer with its on-disk cache, back-channel clips (prewarmed), the
 * configured recognizer (null for AIZUCHI_RECOGNIZER=none), the shared 20 ms clock and the media
 * shards (AIZUCHI_MEDIA_THREADS worker threads, each with its own Silero session and energy gate) that
 * do every call's resampling, keypad tones and VAD off the thread that paces frames.
 */
export async function createVoiceRuntime(
  config: Pick<Config, 'dataDir' | 'speech'>,
  opts: { prewarm?: readonly Lang[] } = {},
): Promise<VoiceRuntime> {
  // Earlier versions cached every sentence a call spoke (names included) in tts-cache/, outside
  // any retention; the disk cache now holds prewarmed prompts only, in a folder of its own.
  await rm(join(config.dataDir, 'tts-cache'), { recursive: true, force: true });
  const synthesizer = createSynthesizer({
    engines: { ja: config.speech.synthJa, en: config.speech.synthEn },
    pronunciations: await loadPronunciationLexicon(config.speech.pronunciations),
    cache: { dir: join(config.dataDir, 'tts-prompts') },
  });
  const backchannels = createBackchannelClips(synthesizer);
  const recognizerConfig: RecognizerConfig = {
    engine: config.speech.recognizer,
    ...(config.speech.recognizerUrl ? { baseUrl: config.speech.recognizerUrl } : {}),
    ...(config.speech.recognizerKey ? { apiKey: config.speech.recognizerKey } : {}),
    ...(config.speech.recognizerModel ? { model: config.speech.recognizerModel } : {}),
  };
  const recognizer = createRecognizer(recognizerConfig);
  const vad = await BatchedSileroVad.load();
  const threads = config.speech.mediaThreads;
  const niceness = config.speech.mediaThreadNice;
  const shards = threads === 0 ? null : await MediaShardPool.start({ ...(threads === undefined ? {} : { size: threads }), niceness });
  if (opts.prewarm?.length) await backchannels.prewarm(opts.prewarm);
  const clock = createIntervalFrameClock();
  return {
    media: {
      synthesizer: internalRateSynthesizer(synthesizer, INTERNAL_RATE_HZ),
      backchannels,
      vad,
      recognizer,
      recognizerName: config.speech.recognizer,
      ...(shards ? { shards } : {}),
    },
    clock,
    close: async () => {
      clock.stop();
      await shards?.close();
      await vad.close();
    },
  };
}
