import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { AudioFrame } from '../../media/frame';
import type { SpawnProcess } from '../synthesis/engine-process';
import { synthesizerConformance } from '../synthesizer.conformance';
import { isAbortError, SynthesisError } from '../synthesizer';
import { createEspeakSynthesizer } from './espeak-synthesizer';

async function collect(frames: AsyncIterable<AudioFrame>): Promise<AudioFrame[]> {
  const out: AudioFrame[] = [];
  for await (const frame of frames) out.push(frame);
  return out;
}

describe('espeak-ng synthesizer (real binary)', () => {
  describe('English', () => {
    synthesizerConformance(() => createEspeakSynthesizer(), {
      lang: 'en',
      text: 'Hello there.',
      longText: 'Thank you for calling. We will now help you reset your multi factor authentication.',
    });
  });

  describe('Japanese (fallback voice)', () => {
    synthesizerConformance(() => createEspeakSynthesizer(), {
      lang: 'ja',
      text: 'こんにちは。',
      longText: 'お電話ありがとうございます。本日は多要素認証のリセットについてご案内いたします。',
    });
  });

  it('declares 22 050 Hz and the voice per language', () => {
    const synth = createEspeakSynthesizer({ voices: { en: 'en-gb' } });
    expect(synth.describe('en')).toEqual({ engine: 'espeak', voice: 'en-gb', sampleRateHz: 22_050 });
    expect(synth.describe('ja').voice).toBe('ja');
  });

  it('never reads text as command-line options', async () => {
    const frames = await collect(createEspeakSynthesizer().synthesize('--help -v xx', { lang: 'en' }));
    expect(frames.length).toBeGreaterThan(10);
  });

  it('kills the engine process when aborted', async () => {
    const children: ChildProcessWithoutNullStreams[] = [];
    const watching: SpawnProcess = (command, args, options) => {
      const child = spawn(command, [...args], options);
      children.push(child);
      return child;
    };
    const controller = new AbortController();
    const text = 'This is a long sentence that keeps going. '.repeat(40);
    const error = await (async () => {
      for await (const _frame of createEspeakSynthesizer({ spawn: watching }).synthesize(text, {
        lang: 'en',
        signal: controller.signal,
      })) {
        controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(isAbortError(error)).toBe(true);
    const child = children[0];
    if (child && child.exitCode === null && child.signalCode === null) {
      await new Promise((resolve) => child.once('close', resolve));
    }
    expect(child?.signalCode).toBe('SIGKILL');
  });

  it('says clearly when the voice does not exist', async () => {
    const synth = createEspeakSynthesizer({ voices: { en: 'xx-nonexistent' } });
    const error = await collect(synth.synthesize('hello', { lang: 'en' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SynthesisError);
    expect((error as SynthesisError).code).toBe('voice_missing');
    expect((error as Error).message).toContain('xx-nonexistent');
  });

  it('says clearly when the binary is missing', async () => {
    const synth = createEspeakSynthesizer({ binaryPath: '/nonexistent/espeak-ng' });
    const error = await collect(synth.synthesize('hello', { lang: 'en' })).catch((e: unknown) => e);
    expect((error as SynthesisError).code).toBe('engine_missing');
  });
});
