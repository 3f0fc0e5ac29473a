import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AudioFrame } from '../media/frame';
import { framesOf } from '../media/reframer';
import { downmixToMono, parseWav } from '../media/wav';

/** Test audio for recognizer tests. Not used by production code. */

/** A 440 Hz tone: good enough for engines whose answer is scripted by a local server. */
export function toneFrames(durationMs: number, sampleRateHz: number): AudioFrame[] {
  const count = Math.round((durationMs * sampleRateHz) / 1000);
  const samples = new Int16Array(count);
  for (let i = 0; i < count; i += 1) {
    samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / sampleRateHz));
  }
  return framesOf(samples, sampleRateHz);
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
      '-x',
      OPEN_JTALK_DIC,
      '-m',
      OPEN_JTALK_VOICE,
      '-s',
      String(sampleRateHz),
      '-p',
      String(Math.round(sampleRateHz / 200)),
      '-ow',
      output,
      input,
    ]);
    const audio = parseWav(await readFile(output));
    return framesOf(downmixToMono(audio), audio.sampleRateHz);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
