import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { samplesPerFrame, type AudioFrame } from '../media/frame';

/** Test audio for recognizer tests. Not used by production code. */

export function framesFromSamples(samples: Int16Array, sampleRateHz: number): AudioFrame[] {
  const size = samplesPerFrame(sampleRateHz);
  const frames: AudioFrame[] = [];
  for (let offset = 0; offset < samples.length; offset += size) {
    const chunk = new Int16Array(size); // last frame zero-padded to a whole 20 ms
    chunk.set(samples.subarray(offset, Math.min(offset + size, samples.length)));
    frames.push({ samples: chunk, sampleRateHz });
  }
  return frames;
}

/** A 440 Hz tone: good enough for engines whose answer is scripted by a local server. */
export function toneFrames(durationMs: number, sampleRateHz: number): AudioFrame[] {
  const count = Math.round((durationMs * sampleRateHz) / 1000);
  const samples = new Int16Array(count);
  for (let i = 0; i < count; i += 1) {
    samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / sampleRateHz));
  }
  return framesFromSamples(samples, sampleRateHz);
}

/** Reads the PCM16 mono samples out of a canonical WAV file. */
export function pcmFromWav(wav: Buffer): { samples: Int16Array; sampleRateHz: number } {
  if (wav.toString('ascii', 0, 4) !== 'RIFF' || wav.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a WAV file');
  }
  let offset = 12;
  let sampleRateHz = 0;
  while (offset + 8 <= wav.length) {
    const id = wav.toString('ascii', offset, offset + 4);
    const size = wav.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') sampleRateHz = wav.readUInt32LE(body + 4);
    if (id === 'data') {
      const data = wav.subarray(body, body + size);
      const samples = new Int16Array(data.length / 2);
      for (let i = 0; i < samples.length; i += 1) samples[i] = data.readInt16LE(i * 2);
      return { samples, sampleRateHz };
    }
    offset = body + size + (size % 2);
  }
  throw new Error('WAV file has no data chunk');
}

const OPEN_JTALK_DIC = '/var/lib/mecab/dic/open-jtalk/naist-jdic';
const OPEN_JTALK_VOICE = '/usr/share/hts-voice/nitech-jp-atr503-m001/nitech_jp_atr503_m001.htsvoice';

/** Real Japanese speech from the Debian open-jtalk package, for live-engine tests. */
export async function openJtalkFrames(text: string, sampleRateHz: number): Promise<AudioFrame[]> {
  const dir = await mkdtemp(join(tmpdir(), 'aizuchi-asr-'));
  try {
    const input = join(dir, 'in.txt');
    const output = join(dir, 'out.wav');
    await writeFile(input, text, 'utf8');
    await promisify(execFile)('open_jtalk', [
      '-x', OPEN_JTALK_DIC, '-m', OPEN_JTALK_VOICE, '-s', String(sampleRateHz), '-p', String(Math.round(sampleRateHz / 200)), '-ow', output, input,
    ]);
    const { samples, sampleRateHz: rate } = pcmFromWav(await readFile(output));
    return framesFromSamples(samples, rate);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
