import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { downmixToMono, encodeWav, parseWav, readWavFile, WavError, writeWavFile } from './wav';
import { sine } from './testing/signals';

const dir = mkdtempSync(join(tmpdir(), 'aizuchi-wav-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('WAV round trip', () => {
  it('writes and reads mono PCM16 exactly', async () => {
    const samples = sine(440, 20000, 16000, 1600);
    const path = join(dir, 'mono.wav');
    await writeWavFile(path, { sampleRateHz: 16000, channels: [samples] });
    const back = await readWavFile(path);
    expect(back.sampleRateHz).toBe(16000);
    expect(back.channels.length).toBe(1);
    expect(Array.from(back.channels[0] ?? [])).toEqual(Array.from(samples));
  });

  it('writes and reads stereo with channels kept apart', () => {
    const left = sine(300, 10000, 8000, 800);
    const right = sine(900, -5000, 8000, 800);
    const back = parseWav(encodeWav({ sampleRateHz: 8000, channels: [left, right] }));
    expect(Array.from(back.channels[0] ?? [])).toEqual(Array.from(left));
    expect(Array.from(back.channels[1] ?? [])).toEqual(Array.from(right));
    expect(downmixToMono(back)[10]).toBe(Math.round(((left[10] ?? 0) + (right[10] ?? 0)) / 2));
  });
});

describe('reading files made by other tools', () => {
  it('reads espeak-ng output at its native 22050 Hz', async () => {
    const path = join(dir, 'espeak.wav');
    execFileSync('espeak-ng', ['-w', path, 'hello']);
    const audio = await readWavFile(path);
    expect(audio.sampleRateHz).toBe(22050);
    expect(audio.channels[0]?.length ?? 0).toBeGreaterThan(22050 * 0.2);
  });

  it('reads sox-made stereo 48 kHz and μ-law 8 kHz files', async () => {
    const stereo = join(dir, 'stereo.wav');
    execFileSync('sox', ['-n', '-r', '48000', '-c', '2', '-b', '16', stereo, 'synth', '0.1', 'sine', '1000']);
    const s = await readWavFile(stereo);
    expect(s.sampleRateHz).toBe(48000);
    expect(s.channels.length).toBe(2);
    expect(s.channels[1]?.length).toBe(4800);

    const ulaw = join(dir, 'ulaw.wav');
    execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-e', 'u-law', ulaw, 'synth', '0.1', 'sine', '1000', 'vol', '0.5']);
    const u = await readWavFile(ulaw);
    expect(u.sampleRateHz).toBe(8000);
    const peak = Math.max(...Array.from(u.channels[0] ?? [], Math.abs));
    expect(peak).toBeGreaterThan(15000);
    expect(peak).toBeLessThan(17500);
  });
});

describe('bad input', () => {
  it('gives one clear error for missing, non-WAV, truncated and unsupported files', async () => {
    await expect(readWavFile(join(dir, 'nope.wav'))).rejects.toThrow(/no such file/);
    expect(() => parseWav(new TextEncoder().encode('hello, this is not audio at all'))).toThrow(/not a WAV file/);
    const good = encodeWav({ sampleRateHz: 8000, channels: [new Int16Array(10)] });
    expect(() => parseWav(good.subarray(0, 30))).toThrow(WavError);
    const float = join(dir, 'float.wav');
    execFileSync('sox', ['-n', '-r', '8000', '-e', 'floating-point', '-b', '32', float, 'synth', '0.05', 'sine', '440']);
    await expect(readWavFile(float)).rejects.toThrow(/unsupported WAV encoding: IEEE float/);
    const eightBit = join(dir, 'u8.wav');
    execFileSync('sox', ['-n', '-r', '8000', '-b', '8', '-e', 'unsigned', eightBit, 'synth', '0.05', 'sine', '440']);
    await expect(readWavFile(eightBit)).rejects.toThrow(/8-bit PCM/);
  });

  it('tolerates a data size left unset by a streaming writer', () => {
    const bytes = encodeWav({ sampleRateHz: 8000, channels: [Int16Array.from([1, 2, 3, 4])] });
    new DataView(bytes.buffer).setUint32(40, 0xffffffff, true);
    expect(Array.from(parseWav(bytes).channels[0] ?? [])).toEqual([1, 2, 3, 4]);
  });

  it('refuses to write channels of different lengths', () => {
    expect(() => encodeWav({ sampleRateHz: 8000, channels: [new Int16Array(2), new Int16Array(3)] })).toThrow(WavError);
  });
});
