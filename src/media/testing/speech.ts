import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readWavFile, type WavAudio } from '../wav';

/** Real synthesized speech for tests, written into a caller-provided temp dir. */

const JTALK_DIC = '/var/lib/mecab/dic/open-jtalk/naist-jdic';
const JTALK_VOICE = '/usr/share/hts-voice/nitech-jp-atr503-m001/nitech_jp_atr503_m001.htsvoice';

/** English via espeak-ng (22050 Hz mono). */
export async function speakEnglish(dir: string, name: string, text: string, voice = 'en'): Promise<WavAudio> {
  const path = join(dir, `${name}.wav`);
  execFileSync('espeak-ng', ['-v', voice, '-w', path, text]);
  return readWavFile(path);
}

/** Japanese via open_jtalk (48000 Hz mono). */
export async function speakJapanese(dir: string, name: string, text: string): Promise<WavAudio> {
  const textPath = join(dir, `${name}.txt`);
  const path = join(dir, `${name}.wav`);
  writeFileSync(textPath, text);
  execFileSync('open_jtalk', ['-x', JTALK_DIC, '-m', JTALK_VOICE, '-ow', path, textPath]);
  return readWavFile(path);
}
