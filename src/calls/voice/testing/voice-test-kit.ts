import type { AgentEvent } from '../../../agent';
import type { Lang } from '../../../domain/lang';
import type { AudioFrame } from '../../../media/frame';
import { resampleAll } from '../../../media/resampler';
import { speakEnglish, speakJapanese } from '../../../media/testing/speech';
import { createScriptedVad } from '../../../media/testing/scripted-vad';
import type { Recognizer } from '../../../speech/recognizer';
import { createBackchannelClips } from '../../../speech/synthesis/backchannel-clips';
import { createScriptedSynthesizer } from '../../../speech/synthesis/scripted-synthesizer';
import type { Synthesizer } from '../../../speech/synthesizer';
import type { VoiceMedia } from '../voice-bridge';
import type { CallRecorder } from '../../recording/call-recorder';
import type { CallTap } from '../../live/call-tap';
import { VoiceBridge, type VoiceNotice, type VoiceTuning } from '../voice-bridge';
import { InMemoryAudioChannel } from './in-memory-channel';
import { ManualFrameClock } from './manual-frame-clock';

/** Real speech (espeak-ng / open_jtalk) at `rateHz`, trimmed of the engines' own leading/trailing silence. */
export async function realSpeech(dir: string, name: string, text: string, lang: Lang, rateHz: number): Promise<Int16Array> {
  const wav = lang === 'ja' ? await speakJapanese(dir, name, text) : await speakEnglish(dir, name, text);
  const samples = resampleAll(wav.channels[0] ?? new Int16Array(0), wav.sampleRateHz, rateHz);
  const loud = (s: number) => Math.abs(s) > 300;
  const first = samples.findIndex(loud);
  let last = samples.length - 1;
  while (last > first && !loud(samples[last] ?? 0)) last--;
  return samples.slice(Math.max(0, first), last + 1);
}

export interface BridgeRig {
  bridge: VoiceBridge;
  channel: InMemoryAudioChannel;
  clock: ManualFrameClock;
  events: AgentEvent[];
  notices: VoiceNotice[];
  keypadOnly: { value: boolean };
  /** Delivers caller frames one per tick, waiting for VAD/DTMF/recognizers after each, then ticks. */
  play(frames: readonly AudioFrame[], onTick?: (index: number) => void): Promise<void>;
  /** Caller silence for `ms`. */
  silence(ms: number): Promise<void>;
}

/**
 * A voice bridge on an in-memory 8 kHz channel and a manual clock. By default it runs on the scripted
 * synthesizer (a tone per character) and the scripted VAD (loud = speech), so no engine or model is
 * needed; tests of the real engines pass Silero or createSynthesizer() and say so in their names.
 */
export function createBridgeRig(opts: {
  vad?: VoiceMedia['vad'];
  recognizer?: Recognizer | null;
  synthesizer?: Synthesizer;
  lang?: Lang;
  channelRateHz?: number;
  /** False for a channel whose keys come only out of band (the softphone). */
  inBandDtmf?: boolean;
  recorder?: CallRecorder | null;
  /** The console's listeners (listen in). */
  tap?: CallTap | null;
  tuning?: Partial<VoiceTuning>;
  /** Media worker threads (MediaShardPool) instead of this thread's resampling, DTMF and VAD. */
  shards?: VoiceMedia['shards'];
}): BridgeRig {
  const lang = opts.lang ?? 'ja';
  const synthesizer = opts.synthesizer ?? createScriptedSynthesizer();
  const channel = new InMemoryAudioChannel({ sampleRateHz: opts.channelRateHz ?? 8000, inBandDtmf: opts.inBandDtmf ?? true });
  const clock = new ManualFrameClock();
  const events: AgentEvent[] = [];
  const notices: VoiceNotice[] = [];
  const keypadOnly = { value: false };
  const bridge = new VoiceBridge({
    channel,
    lang,
    media: {
      synthesizer,
      backchannels: createBackchannelClips(synthesizer),
      vad: opts.vad ?? createScriptedVad(),
      recognizer: opts.recognizer ?? null,
      ...(opts.shards ? { shards: opts.shards } : {}),
    },
    clock,
    recorder: opts.recorder ?? null,
    tap: opts.tap ?? null,
    onEvent: (e) => events.push(e),
    onNotice: (n) => notices.push(n),
    onKeypadOnly: () => (keypadOnly.value = true),
    ...(opts.tuning ? { tuning: opts.tuning } : {}),
  });
  bridge.start();
  const play = async (frames: readonly AudioFrame[], onTick?: (index: number) => void): Promise<void> => {
    for (let i = 0; i < frames.length; i++) {
      channel.receiveFrame(frames[i] as AudioFrame);
      await bridge.idle();
      clock.tick();
      onTick?.(i);
    }
  };
  return {
    bridge,
    channel,
    clock,
    events,
    notices,
    keypadOnly,
    play,
    silence: (ms) => play(Array.from({ length: Math.round(ms / 20) }, () => channel.silenceFrame())),
  };
}

/** True when any sample of the frame is not zero. */
export function audible(frame: AudioFrame | undefined): boolean {
  return frame !== undefined && frame.samples.some((s) => s !== 0);
}
