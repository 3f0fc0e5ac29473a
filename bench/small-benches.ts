import { readSpelledEmail } from '../src/agent/understanding/email';
import { createHarness } from '../src/agent/testing/call-harness';
import { timeReply } from '../src/agent/testing/call-harness';
import { createIntentReader } from '../src/agent/understanding/intents';
import type { Lang } from '../src/domain/lang';
import { createSynthesizer } from '../src/speech/synthesis/engine-registry';
import { ttsRealTimeFactor } from '../src/speech/synthesis/real-time-factor';
import { StreamingResampler } from '../src/media/resampler';
import { sine } from '../src/media/testing/signals';
import { round, summary } from './stats';

const TTS_TEXT: Record<Lang, string> = {
  ja: 'お電話ありがとうございます。ご本人確認のため、登録されているメールアドレスを、一文字ずつお話しください。',
  en: 'Thank you for taking our call. To confirm it is you, please spell the email address on your account, one letter at a time.',
};

/** Uncached synthesis speed: wall time / audio time (below 1 = faster than real time). */
export async function benchTts(runs: number): Promise<Record<Lang, number>> {
  const synth = createSynthesizer({ cache: false });
  const out = {} as Record<Lang, number>;
  for (const lang of ['ja', 'en'] as const) {
    await ttsRealTimeFactor(synth, TTS_TEXT[lang], lang); // engine start-up, page cache
    const factors: number[] = [];
    for (let i = 0; i < runs; i++) factors.push((await ttsRealTimeFactor(synth, TTS_TEXT[lang], lang)).realTimeFactor);
    out[lang] = round(summary(factors, 4).p50, 4);
  }
  return out;
}

/** CPU per agent reply over the story call (ja), many calls sharing one intent reader like a host. */
export async function benchAgentReply(calls: number): Promise<{ p50: number; p95: number }> {
  const intents = createIntentReader('ja');
  const cpu: number[] = [];
  const script: Array<{ type: 'utterance'; text: string; isFinal: true } | { type: 'dtmf'; digits: string }> = [
    { type: 'utterance', text: 'あ、そうです～～猪股です。', isFinal: true },
    { type: 'utterance', text: '大丈夫です～～', isFinal: true },
    { type: 'utterance', text: 'えーっと、エム、エー、ティ、ティ、ワイ', isFinal: true },
    { type: 'utterance', text: 'アットマーク、ジーメールドットコムです', isFinal: true },
    { type: 'utterance', text: 'あー、はい。これか。えーっと、1,2,6,7', isFinal: true },
    { type: 'utterance', text: '5,6,9,3です', isFinal: true },
  ];
  for (let i = 0; i < calls; i++) {
    const h = createHarness({ intents });
    await h.start();
    for (const event of script) cpu.push((await timeReply(h.agent, event)).cpuMs);
  }
  return summary(cpu, 3);
}

/** Spelled-email parser throughput over recogniser-style lines (ja and en mixed). */
export function benchEmailParser(durationMs: number): number {
  const lines: Array<[string[], Lang]> = [
    [['エム、エー、ティ、ティ、ワイ', 'アットマーク、ジーメールドットコム'], 'ja'],
    [['えむ えー てぃー てぃー わい あっとまーく やふー どっと しー おー どっと じぇーぴー'], 'ja'],
    [['m, a, t, t, y', 'at gmail dot com'], 'en'],
    [['j as in juliet o h n dot s m i t h at example dot co dot uk'], 'en'],
  ];
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < durationMs) {
    for (const [turns, lang] of lines) readSpelledEmail(turns, lang);
    count += lines.length;
  }
  return Math.round(count / ((performance.now() - started) / 1000));
}

/** Streaming resampler CPU per 20 ms frame, both directions of an 8 kHz call (µs, best of 3 runs). */
export function benchResampler(frames: number): { up8to16Us: number; down16to8Us: number } {
  const perFrameUs = (inHz: number, outHz: number): number => {
    const signal = sine(440, 9000, inHz, (inHz / 50) * 64);
    let best = Infinity;
    for (let run = 0; run < 3; run++) {
      const resampler = new StreamingResampler(inHz, outHz);
      const started = performance.now();
      for (let i = 0; i < frames; i++) resampler.process(signal.subarray((i % 64) * (inHz / 50), ((i % 64) + 1) * (inHz / 50)));
      best = Math.min(best, ((performance.now() - started) * 1000) / frames);
    }
    return round(best, 2);
  };
  return { up8to16Us: perFrameUs(8000, 16000), down16to8Us: perFrameUs(16000, 8000) };
}
