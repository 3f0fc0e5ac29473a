import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CallRecorder } from './call-recorder';
import { waveformPeaks } from './waveform';

const dir = mkdtempSync(join(tmpdir(), 'aizuchi-wave-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tick = (value: number) => new Int16Array(320).fill(value);

describe('the case page waveform: peaks of the stereo recording and where it was paused', () => {
  it('draws caller left / agent right per column, with the paused-for-code span silent and reported in ms', async () => {
    const recorder = await CallRecorder.start({ dataDir: dir, callId: 'wave-1' });
    for (let i = 0; i < 50; i++) recorder.addTick(tick(16384), tick(-8192)); // 0–1 s: both talk
    recorder.pause();
    for (let i = 0; i < 25; i++) recorder.addTick(tick(30000), tick(30000)); // 1–1.5 s: the code, never written
    recorder.pause(); // a second pause while paused is the same span
    recorder.resume();
    for (let i = 0; i < 25; i++) recorder.addTick(null, tick(3277)); // 1.5–2 s: the agent alone
    expect(recorder.gaps).toEqual([{ fromMs: 1000, toMs: 1500 }]);
    expect(recorder.recordedMs).toBe(2000);
    recorder.setConsent(true);
    const { path } = await recorder.finish();

    const peaks = await waveformPeaks(path ?? '', 8); // 250 ms per column
    expect(peaks?.durationMs).toBe(2000);
    expect(peaks?.caller).toEqual([0.5, 0.5, 0.5, 0.5, 0, 0, 0, 0]);
    expect(peaks?.agent).toEqual([0.25, 0.25, 0.25, 0.25, 0, 0, 0.1, 0.1]);
  });

  it('a pause still open when the call ends runs to the end of the audio', async () => {
    const recorder = await CallRecorder.start({ dataDir: dir, callId: 'wave-2' });
    for (let i = 0; i < 10; i++) recorder.addTick(tick(1), null);
    recorder.pause();
    for (let i = 0; i < 15; i++) recorder.addTick(tick(1), null);
    expect(recorder.gaps).toEqual([{ fromMs: 200, toMs: 500 }]);
    await recorder.finish();
  });

  it('is null for a file that is not a stereo PCM16 WAV, or is gone', async () => {
    const bogus = join(dir, 'bogus.wav');
    writeFileSync(bogus, Buffer.alloc(100, 7));
    expect(await waveformPeaks(bogus)).toBeNull();
    expect(await waveformPeaks(join(dir, 'missing.wav'))).toBeNull();
  });
});
