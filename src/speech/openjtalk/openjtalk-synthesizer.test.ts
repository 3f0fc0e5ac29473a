import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { AudioFrame } from '../../media/frame';
import type { SpawnProcess } from '../synthesis/engine-process';
import { synthesizerConformance } from '../synthesizer.conformance';
import { isAbortError, SynthesisError } from '../synthesizer';
import { createOpenJTalkSynthesizer, DEBIAN_OPENJTALK_PATHS } from './openjtalk-synthesizer';

const paths = { dictionaryDir: DEBIAN_OPENJTALK_PATHS.dictionaryDir, voicePath: DEBIAN_OPENJTALK_PATHS.voicePath };

async function collect(frames: AsyncIterable<AudioFrame>): Promise<AudioFrame[]> {
  const out: AudioFrame[] = [];
  for await (const frame of frames) out.push(frame);
  return out;
}

interface Watch {
  spawn: SpawnProcess;
  children: ChildProcessWithoutNullStreams[];
  args: string[][];
  firstSpawn: Promise<ChildProcessWithoutNullStreams>;
}

function watchingSpawn(): Watch {
  const children: ChildProcessWithoutNullStreams[] = [];
  const args: string[][] = [];
  let announce: (child: ChildProcessWithoutNullStreams) => void = () => {};
  const firstSpawn = new Promise<ChildProcessWithoutNullStreams>((resolve) => (announce = resolve));
  return {
    children,
    args,
    firstSpawn,
    spawn: (command, argv, options) => {
      const child = spawn(command, [...argv], options);
      children.push(child);
      announce(child);
      args.push([...argv]);
      return child;
    },
  };
}

describe('open_jtalk synthesizer (real binary)', () => {
  synthesizerConformance(() => createOpenJTalkSynthesizer(paths), {
    lang: 'ja',
    text: 'こんにちは。',
    longText: 'お電話ありがとうございます。本日は多要素認証のリセットについてご案内いたします。',
  });

  it('reports 48 kHz and the voice name', () => {
    expect(createOpenJTalkSynthesizer(paths).describe('ja')).toEqual({
      engine: 'openjtalk',
      voice: 'nitech_jp_atr503_m001',
      sampleRateHz: 48_000,
    });
  });

  it('renders at a configured rate with speech of about the same length', async () => {
    const native = await collect(createOpenJTalkSynthesizer(paths).synthesize('こんにちは。', { lang: 'ja' }));
    const synth16k = createOpenJTalkSynthesizer({ ...paths, sampleRateHz: 16_000 });
    const low = await collect(synth16k.synthesize('こんにちは。', { lang: 'ja' }));
    expect(low[0]?.sampleRateHz).toBe(16_000);
    expect(low[0]?.samples.length).toBe(320);
    // Same number of 20 ms frames give or take one: the frame period was scaled with the rate.
    expect(Math.abs(low.length - native.length)).toBeLessThanOrEqual(1);
  });

  it('speaks every line, not only the first', async () => {
    const synth = createOpenJTalkSynthesizer(paths);
    const one = await collect(synth.synthesize('こんにちは。', { lang: 'ja' }));
    const two = await collect(synth.synthesize('こんにちは。\nこんにちは。', { lang: 'ja' }));
    expect(two.length).toBeGreaterThan(one.length * 1.6);
  });

  it('speaks text longer than open_jtalk reads in one run', async () => {
    const watch = watchingSpawn();
    const synth = createOpenJTalkSynthesizer({ ...paths, spawn: watch.spawn });
    const long = 'あいうえお、かきくけこ、'.repeat(30);
    const frames = await collect(synth.synthesize(long, { lang: 'ja' }));
    expect(watch.children.length).toBeGreaterThan(1);
    expect(frames.length).toBeGreaterThan(0);
  });

  it('kills the engine process when aborted', async () => {
    const watch = watchingSpawn();
    const synth = createOpenJTalkSynthesizer({ ...paths, spawn: watch.spawn });
    const controller = new AbortController();
    const iterator = synth
      .synthesize('本日は多要素認証のリセットについてご案内いたします。', {
        lang: 'ja',
        signal: controller.signal,
      })
      [Symbol.asyncIterator]();
    const pending = iterator.next().catch((e: unknown) => e);
    const child = await watch.firstSpawn;
    controller.abort();
    expect(isAbortError(await pending)).toBe(true);
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise((resolve) => child.once('close', resolve));
    }
    expect(child.signalCode).toBe('SIGKILL');
    expect(watch.children).toHaveLength(1);
  });

  it('says clearly when the voice file is missing', async () => {
    const synth = createOpenJTalkSynthesizer({ ...paths, voicePath: '/nonexistent/voice.htsvoice' });
    const error = await collect(synth.synthesize('こんにちは。', { lang: 'ja' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SynthesisError);
    expect((error as SynthesisError).code).toBe('voice_missing');
    expect((error as Error).message).toContain('/nonexistent/voice.htsvoice');
  });

  it('says clearly when the dictionary is missing', async () => {
    const synth = createOpenJTalkSynthesizer({ ...paths, dictionaryDir: '/nonexistent/dic' });
    const error = await collect(synth.synthesize('こんにちは。', { lang: 'ja' })).catch((e: unknown) => e);
    expect((error as SynthesisError).code).toBe('dictionary_missing');
  });

  it('says clearly when the binary is missing', async () => {
    const synth = createOpenJTalkSynthesizer({ ...paths, binaryPath: '/nonexistent/open_jtalk' });
    const error = await collect(synth.synthesize('こんにちは。', { lang: 'ja' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SynthesisError);
    expect((error as SynthesisError).code).toBe('engine_missing');
  });

  it('passes the speed to the engine', async () => {
    const watch = watchingSpawn();
    const synth = createOpenJTalkSynthesizer({ ...paths, spawn: watch.spawn });
    await collect(synth.synthesize('はい。', { lang: 'ja', rate: 1.5 }));
    expect(watch.args[0]).toContain('-r');
    expect(watch.args[0]?.[watch.args[0].indexOf('-r') + 1]).toBe('1.5');
  });
});
