import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AudioFrame } from '../../media/frame';
import { createOpenJTalkSynthesizer, DEBIAN_OPENJTALK_PATHS } from '../openjtalk/openjtalk-synthesizer';
import { synthesizerConformance } from '../synthesizer.conformance';
import { createScriptedSynthesizer } from './scripted-synthesizer';
import { cachingSynthesizer } from './synthesis-cache';

async function collect(frames: AsyncIterable<AudioFrame>): Promise<AudioFrame[]> {
  const out: AudioFrame[] = [];
  for await (const frame of frames) out.push(frame);
  return out;
}

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'aizuchi-tts-cache-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('cachingSynthesizer', () => {
  synthesizerConformance(() => cachingSynthesizer(createScriptedSynthesizer()), {
    lang: 'ja',
    text: 'こんにちは。',
    longText: 'お電話ありがとうございます。本日はご本人様確認を行います。',
  });

  it('synthesizes a text once and replays the same audio', async () => {
    const engine = createScriptedSynthesizer();
    const cached = cachingSynthesizer(engine);
    const first = await collect(cached.synthesize('はい。', { lang: 'ja' }));
    const second = await collect(cached.synthesize('はい。', { lang: 'ja' }));
    expect(engine.calls).toEqual(['はい。']);
    expect(second).toEqual(first);
    expect(cached.stats).toEqual({ memoryHits: 1, diskHits: 0, misses: 1 });
  });

  it('keys on language and speed as well as text', async () => {
    const engine = createScriptedSynthesizer();
    const cached = cachingSynthesizer(engine);
    await collect(cached.synthesize('OK.', { lang: 'ja' }));
    await collect(cached.synthesize('OK.', { lang: 'en' }));
    await collect(cached.synthesize('OK.', { lang: 'en', rate: 1.5 }));
    expect(engine.calls).toHaveLength(3);
  });

  it('does not let a consumer corrupt the cached audio', async () => {
    const cached = cachingSynthesizer(createScriptedSynthesizer());
    const first = await collect(cached.synthesize('はい。', { lang: 'ja' }));
    const expected = first.map((f) => f.samples.slice());
    for (const frame of first) frame.samples.fill(0);
    const again = await collect(cached.synthesize('はい。', { lang: 'ja' }));
    expect(again.map((f) => f.samples)).toEqual(expected);
    for (const frame of again) frame.samples.fill(0);
    const third = await collect(cached.synthesize('はい。', { lang: 'ja' }));
    expect(third.map((f) => f.samples)).toEqual(expected);
  });

  it('does not store a synthesis the listener abandoned', async () => {
    const engine = createScriptedSynthesizer();
    const cached = cachingSynthesizer(engine);
    for await (const _frame of cached.synthesize('お待ちください。', { lang: 'ja' })) break;
    await collect(cached.synthesize('お待ちください。', { lang: 'ja' }));
    expect(engine.calls).toHaveLength(2);
  });

  it('evicts the least recently used clip when over budget', async () => {
    const engine = createScriptedSynthesizer({ msPerChar: 20 });
    // One 3-char clip at 16 kHz = 3 frames x 320 samples x 2 bytes = 1920 bytes; budget fits two.
    const cached = cachingSynthesizer(engine, { maxBytes: 4000 });
    await collect(cached.synthesize('aaa', { lang: 'en' }));
    await collect(cached.synthesize('bbb', { lang: 'en' }));
    await collect(cached.synthesize('aaa', { lang: 'en' }));
    await collect(cached.synthesize('ccc', { lang: 'en' }));
    await collect(cached.synthesize('aaa', { lang: 'en' }));
    await collect(cached.synthesize('bbb', { lang: 'en' }));
    expect(engine.calls).toEqual(['aaa', 'bbb', 'ccc', 'bbb']);
  });

  it('prewarms so the first real call is already a hit', async () => {
    const engine = createScriptedSynthesizer();
    const cached = cachingSynthesizer(engine);
    await cached.prewarm(['お電話ありがとうございます。', '少々お待ちください。'], { lang: 'ja' });
    await collect(cached.synthesize('少々お待ちください。', { lang: 'ja' }));
    expect(engine.calls).toHaveLength(2);
    expect(cached.stats.memoryHits).toBe(1);
  });

  it('survives a restart through the disk directory (prewarmed prompts)', async () => {
    const dir = await tempDir();
    const engine = createScriptedSynthesizer();
    const first = cachingSynthesizer(engine, { dir });
    await first.prewarm(['はい。'], { lang: 'ja' });
    const before = await collect(first.synthesize('はい。', { lang: 'ja' }));
    expect((await readdir(dir)).filter((f) => f.endsWith('.wav'))).toHaveLength(1);
    const restarted = cachingSynthesizer(engine, { dir });
    const after = await collect(restarted.synthesize('はい。', { lang: 'ja' }));
    expect(engine.calls).toHaveLength(1);
    expect(restarted.stats.diskHits).toBe(1);
    expect(after).toEqual(before);
  });

  it('keeps working when the disk directory cannot be written', async () => {
    const file = join(await tempDir(), 'not-a-directory');
    await writeFile(file, 'x');
    const cached = cachingSynthesizer(createScriptedSynthesizer(), { dir: join(file, 'cache') });
    await cached.prewarm(['はい。'], { lang: 'ja' });
    const frames = await collect(cached.synthesize('はい。', { lang: 'ja' }));
    expect(frames.length).toBeGreaterThan(0);
  });

  it('caches real open_jtalk output', async () => {
    const cached = cachingSynthesizer(createOpenJTalkSynthesizer(DEBIAN_OPENJTALK_PATHS));
    const first = await collect(cached.synthesize('ありがとうございます。', { lang: 'ja' }));
    const second = await collect(cached.synthesize('ありがとうございます。', { lang: 'ja' }));
    expect(cached.stats.misses).toBe(1);
    expect(second).toEqual(first);
  });
});
