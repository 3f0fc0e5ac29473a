import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { AudioFrame } from '../../media/frame';
import { createOpenJTalkSynthesizer, DEBIAN_OPENJTALK_PATHS } from '../openjtalk/openjtalk-synthesizer';
import { synthesizerConformance } from '../synthesizer.conformance';
import { isAbortError } from '../synthesizer';
import type { SpawnProcess } from './engine-process';
import { createScriptedSynthesizer } from './scripted-synthesizer';
import { sentenceStreaming } from './sentence-streaming';

async function collect(frames: AsyncIterable<AudioFrame>): Promise<AudioFrame[]> {
  const out: AudioFrame[] = [];
  for await (const frame of frames) out.push(frame);
  return out;
}

const jaReply = 'お電話ありがとうございます。本日はご本人様確認を行います。よろしいですか？';

describe('scripted synthesizer (test fake)', () => {
  synthesizerConformance(() => createScriptedSynthesizer(), { lang: 'ja', text: 'こんにちは。', longText: jaReply });
});

describe('sentenceStreaming', () => {
  synthesizerConformance(() => sentenceStreaming(createScriptedSynthesizer()), {
    lang: 'en',
    text: 'Hello there.',
    longText: 'Thank you for calling. We will now verify your identity. Is that all right?',
  });

  it('yields the first frame before the second sentence is started', async () => {
    const events: string[] = [];
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const engine = createScriptedSynthesizer({
      msPerChar: 20,
      onStart: (text) => events.push(`start ${text}`),
      // Hold the first sentence after its first frame, as if the engine were still working.
      beforeFrame: (text, index) => (text === 'One.' && index === 1 ? held : undefined),
    });
    const iterator = sentenceStreaming(engine).synthesize('One. Two. Three.', { lang: 'en' })[Symbol.asyncIterator]();
    const first = await iterator.next();
    events.push('first frame');
    expect(first.done).toBe(false);
    expect(events).toEqual(['start One.', 'first frame']);
    release();
    const rest: AudioFrame[] = [];
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) rest.push(r.value);
    expect(events).toEqual(['start One.', 'first frame', 'start Two.', 'start Three.']);
  });

  it('plays sentences in order with nothing lost', async () => {
    const engine = createScriptedSynthesizer({ msPerChar: 20 });
    const whole = await collect(engine.synthesize('One.', { lang: 'en' }));
    const longer = await collect(engine.synthesize('Three.', { lang: 'en' }));
    const streamed = await collect(sentenceStreaming(engine).synthesize('One. Three.', { lang: 'en' }));
    expect(streamed.length).toBe(whole.length + longer.length);
  });

  it('runs at most one sentence ahead of the listener', async () => {
    const engine = createScriptedSynthesizer({ msPerChar: 20 });
    const iterator = sentenceStreaming(engine).synthesize('A1. B2. C3. D4.', { lang: 'en' })[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    // Give the look-ahead every chance to run away.
    for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(engine.calls).toEqual(['A1.', 'B2.']);
    await iterator.return?.();
  });

  it('surfaces a failure in a later sentence when that sentence is reached', async () => {
    const engine = createScriptedSynthesizer({
      msPerChar: 20,
      failFor: (text) => (text === 'Bad one.' ? new Error('engine broke') : undefined),
    });
    const received: AudioFrame[] = [];
    const error = await (async () => {
      for await (const frame of sentenceStreaming(engine).synthesize('Good one. Bad one.', { lang: 'en' })) {
        received.push(frame);
      }
    })().catch((e: unknown) => e);
    expect((error as Error).message).toBe('engine broke');
    const good = await collect(engine.synthesize('Good one.', { lang: 'en' }));
    expect(received.length).toBe(good.length + 1);
  });

  it('stops the look-ahead when the listener stops early', async () => {
    let aborted = 0;
    const engine = createScriptedSynthesizer({ msPerChar: 200 });
    const watching = {
      describe: engine.describe,
      synthesize: (text: string, opts: { lang: 'en'; signal?: AbortSignal }) => {
        opts.signal?.addEventListener('abort', () => aborted++);
        return engine.synthesize(text, opts);
      },
    };
    for await (const _frame of sentenceStreaming(watching).synthesize('First one. Second one.', { lang: 'en' })) break;
    expect(aborted).toBeGreaterThan(0);
  });
});

describe('sentenceStreaming over open_jtalk (real binary)', () => {
  it('sends the first sentence before the second engine process is spawned', async () => {
    const children: ChildProcessWithoutNullStreams[] = [];
    const watching: SpawnProcess = (command, args, options) => {
      const child = spawn(command, [...args], options);
      children.push(child);
      return child;
    };
    const engine = createOpenJTalkSynthesizer({ ...DEBIAN_OPENJTALK_PATHS, spawn: watching });
    const frames = sentenceStreaming(engine).synthesize(jaReply, { lang: 'ja' });
    let spawnedAtFirstFrame = -1;
    let count = 0;
    for await (const _frame of frames) {
      if (count++ === 0) spawnedAtFirstFrame = children.length;
    }
    expect(spawnedAtFirstFrame).toBe(1);
    expect(children).toHaveLength(3);
  });

  it('aborts a multi-sentence reply mid-way', async () => {
    const controller = new AbortController();
    const engine = createOpenJTalkSynthesizer(DEBIAN_OPENJTALK_PATHS);
    const error = await (async () => {
      for await (const _frame of sentenceStreaming(engine).synthesize(jaReply, { lang: 'ja', signal: controller.signal })) {
        controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(isAbortError(error)).toBe(true);
  });
});
