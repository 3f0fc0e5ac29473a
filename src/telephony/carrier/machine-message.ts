import type { AudioChannel } from '../../channels/audio-channel';
import type { Lang } from '../../domain/lang';
import type { AudioFrame } from '../../media/frame';
import { Reframer } from '../../media/reframer';
import { StreamingResampler } from '../../media/resampler';
import type { Synthesizer } from '../../speech/synthesizer';

/**
 * What an answering machine hears, once: the company's name and that we will call again and wrote
 * by mail. No name, no number, no case detail and no reason for the call: a voicemail is heard by
 * whoever has the phone (issue 8, SECURITY.md).
 */
export function machineMessageText(lang: Lang, companyName: string): string {
  return lang === 'ja'
    ? `${companyName}です。あらためてお電話いたします。詳しくはメールをご確認ください。`
    : `This is ${companyName}. We will call you again. Please check your email for details.`;
}

/** The 20 ms pacing the agent's audio uses (calls/voice FrameClock). */
export interface FramePacer {
  subscribe(onTick: (lateMs: number) => void): () => void;
}

export interface MachineMessageDeps {
  synthesizer: Synthesizer;
  pacer: FramePacer;
  companyName: string;
  /** How long to wait for the carrier to report the message played (media streams buffer audio); default 5 s. */
  playedTimeoutMs?: number;
}

/** Plays the machine message on a carrier call's audio; resolves once it was sent (and, where the carrier reports it, played) or the line closed. */
export type MachineMessagePlayer = (audio: AudioChannel, lang: Lang) => Promise<void>;

async function framesFor(synthesizer: Synthesizer, text: string, lang: Lang, rateHz: number): Promise<AudioFrame[]> {
  const sourceRate = synthesizer.describe(lang).sampleRateHz;
  const resampler = sourceRate === rateHz ? null : new StreamingResampler(sourceRate, rateHz);
  const reframer = new Reframer(rateHz);
  const frames: AudioFrame[] = [];
  for await (const frame of synthesizer.synthesize(text, { lang })) {
    frames.push(...reframer.push(resampler ? resampler.process(frame.samples) : frame.samples));
  }
  const last = reframer.flush();
  if (last) frames.push(last);
  return frames;
}

/**
 * The machine message player: synthesizes the message at the channel's rate and sends it one frame
 * per tick of the pacer (as the agent speaks), then, on a channel whose far end buffers audio
 * (AudioChannel.playout), waits for a mark placed after it so the hang-up does not cut it off.
 */
export function createMachineMessagePlayer(deps: MachineMessageDeps): MachineMessagePlayer {
  return (audio, lang) => speakOnLine(deps, audio, machineMessageText(lang, deps.companyName), lang);
}

/**
 * Says `text` once on a line the agent no longer drives (the machine message; a live transfer's
 * fallback words, issue 10): synthesized at the channel's rate, one frame per pacer tick, then on a
 * channel whose far end buffers audio (AudioChannel.playout) waits for a mark placed after it, so a
 * hang-up that follows does not cut it off. Resolves once sent (and played, where reported) or when the line closed.
 */
export async function speakOnLine(
  deps: { synthesizer: Synthesizer; pacer: FramePacer; playedTimeoutMs?: number },
  audio: AudioChannel,
  text: string,
  lang: Lang,
): Promise<void> {
  const playedTimeoutMs = deps.playedTimeoutMs ?? 5000;
  const frames = await framesFor(deps.synthesizer, text, lang, audio.sampleRateHz);
  let closed = false;
  audio.onClose(() => {
    closed = true;
  });
  await new Promise<void>((resolve) => {
    let next = 0;
    const stop = deps.pacer.subscribe(() => {
      if (closed || next >= frames.length) {
        stop();
        resolve();
        return;
      }
      audio.sendFrame(frames[next++]!);
    });
    audio.onClose(() => {
      stop();
      resolve();
    });
  });
  const playout = audio.playout;
  if (closed || !playout) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, playedTimeoutMs);
    timer.unref?.();
    playout.onPlayed((name) => {
      if (name !== 'machine-message') return;
      clearTimeout(timer);
      resolve();
    });
    audio.onClose(() => {
      clearTimeout(timer);
      resolve();
    });
    playout.mark('machine-message');
  });
}
