import type { AgentAction, Endpointing, ListenExpecting } from '../../agent';
import { readDigits } from '../../agent/understanding/digits';
import type { AudioFrame } from '../../media/frame';
import { Reframer } from '../../media/reframer';
import { Endpointer } from '../../media/vad/endpointer';
import type { Hypothesis, RecognizerError } from '../../speech/recognizer';
import type { AudioChannel } from '../../channels/audio-channel';
import type { ChannelFigures } from '../../channels/call-channel';
import type { RecordingResult } from '../recording/call-recorder';
import { isShortAcknowledgement } from './acknowledgements';
import { AgentSpeaker } from './agent-speaker';
import { BargeInDetector, type BargeInDecision } from './barge-in';
import { CallFiguresMeter } from './call-figures-meter';
import { CallSignalPath, type AnalysedFrame } from './call-signal-path';
import { HeardPosition } from './heard-position';
import { KEYPAD_FALLBACK_PROMPT } from './keypad-fallback';
import { RecognitionTurns, type RecognitionStats } from './recognition-turns';
import { TickAudio } from './tick-audio';
import {
  DEFAULT_VOICE_TUNING,
  INTERNAL_RATE_HZ,
  type VoiceBridgeOptions,
  type VoiceBridgeStats,
  type VoiceNotice,
  type VoiceTuning,
} from './voice-bridge-config';

export { DEFAULT_VOICE_TUNING, INTERNAL_RATE_HZ } from './voice-bridge-config';
export type { VoiceBridgeOptions, VoiceBridgeStats, VoiceMedia, VoiceNotice, VoiceTuning } from './voice-bridge-config';

/**
 * The media chain of one voice call. Inbound: channel frames → 16 kHz → DTMF (Goertzel) + Silero VAD
 * → endpointer (hold per the agent's listen step) → the call's recognizer stream (RecognitionTurns:
 * finalized at each endpoint, retried there) → `utterance` events with interim results and confidence; keypad and typed text become events too. Outbound: agent `say` → synthesizer →
 * playout queue (16 kHz) → the 20 ms clock → channel rate → channel.sendFrame, with barge-in and
 * captions, and a `listening` control once the words before a listen step have ended. Each tick also hands its audio to TickAudio: one stereo frame to the recording, the mix
 * to whoever listens in from the console.
 */
export class VoiceBridge {
  readonly stats: VoiceBridgeStats = { framesIn: 0, framesOut: 0, ticks: 0, maxBacklogFrames: 0, lateTicksOver20Ms: 0, lateness: null };
  private readonly tuning: VoiceTuning;
  private readonly channel: AudioChannel;
  private readonly speaker: AgentSpeaker;
  private readonly endpointer: Endpointer;
  private readonly bargeIn: BargeInDetector;
  private readonly heard: HeardPosition;
  private readonly turns: RecognitionTurns | null;
  /** Resampling, DTMF and VAD: here, or on the call's media shard (VoiceMedia.shards). */
  private readonly signal: CallSignalPath;
  private readonly outFramer: Reframer;
  private readonly tickAudio: TickAudio;
  private unsubscribe: (() => void) | null = null;
  private started = false;
  private closed = false;
  private closing: Promise<RecordingResult | null> | null = null;
  private hangupRequested = false;
  /** Set by handOff: at the end of the agent's words the line is released, not hung up. */
  private handOffDone: (() => void) | null = null;
  private keepChannel = false;
  private lastAudibleTick = 0;
  private keyBargedIn = false;
  private outOfBandDtmf = false;
  private endpointing: Endpointing = 'normal';
  private expecting: ListenExpecting = 'free';
  private digitsThisListen = 0;
  /** A listen step whose `listening` control waits for the agent's words before it to end (played or cut off). */
  private listenAfterWords: ListenExpecting | null = null;
  private readonly meter: CallFiguresMeter;

  constructor(private readonly options: VoiceBridgeOptions) {
    this.tuning = { ...DEFAULT_VOICE_TUNING, ...options.tuning };
    this.meter = new CallFiguresMeter(options.media.recognizer ? (options.media.recognizerName ?? 'unnamed') : null);
    this.channel = options.channel;
    const rate = this.channel.sampleRateHz;
    const shards = options.media.shards;
    const inBandDtmf = this.channel.inBandDtmf;
    this.signal = new CallSignalPath({
      channelRateHz: rate,
      inBandDtmf,
      openLane: shards ? (sink) => shards.open({ sampleRateHz: rate, inBandDtmf, sink }) : null,
      onLost: () => this.onMediaLost(),
      onFlood: () => this.notice({ type: 'media_flood' }),
      createVad: () => options.media.vad.createDetector(),
      onInternal: (samples) => this.tickAudio.caller(samples),
      onAnalysed: (frame) => this.onAnalysed(frame),
      onVadFailed: () => this.notice({ type: 'vad_failed' }), // keypad and text still work; said once
      isClosed: () => this.closed,
    });
    this.outFramer = new Reframer(rate);
    this.tickAudio = new TickAudio(options.recorder ?? null, options.tap ?? null, (n) => this.notice(n));
    this.speaker = new AgentSpeaker({
      lang: options.lang,
      synthesizer: options.media.synthesizer,
      backchannels: options.media.backchannels,
      sampleRateHz: INTERNAL_RATE_HZ,
      onSynthesisError: (error) => this.notice({ type: 'synthesis_failed', error: error.name }),
    });
    this.endpointer = new Endpointer({ silenceMs: this.tuning.silenceMs.normal });
    this.bargeIn = new BargeInDetector(this.tuning.bargeIn);
    this.heard = new HeardPosition(this.channel.playout, options.lang);
    const recognizer = options.media.recognizer;
    this.turns = recognizer
      ? new RecognitionTurns({
          recognizer,
          lang: options.lang,
          sampleRateHz: INTERNAL_RATE_HZ,
          preRollFrames: Math.ceil(this.tuning.preRollMs / 20),
          retryDelaysMs: this.tuning.recognizerRetryDelaysMs,
          onHypothesis: (h) => this.onHypothesis(h),
          onFailure: (error) => this.onRecognizerFailure(error),
          onRetry: (error, attempt, delayMs) => this.notice({ type: 'recognizer_retry', code: error.code, attempt, delayMs }),
        })
      : null;
  }

  /** Starts listening to the channel and sending on the clock. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.channel.onFrame((frame) => this.onChannelFrame(frame));
    this.channel.onDtmf((digits) => {
      this.outOfBandDtmf = true;
      this.onDigits(digits);
    });
    this.channel.onText((text, source, isFinal) => this.onText(text, source, isFinal));
    this.channel.onClose((reason) => void this.close(reason));
    this.unsubscribe = this.options.clock.subscribe((lateMs) => this.onTick(lateMs));
  }

  /** The call's media shard died under it: its audio state is gone, so the call ends as a lost line. */
  private onMediaLost(): void {
    if (this.closed) return;
    this.notice({ type: 'media_lost' });
    void this.close('media_lost');
  }

  /** Agent actions that concern audio; the rest (transcript, end, escalate) belong to the session. */
  apply(action: AgentAction): void {
    if (this.closed) return;
    switch (action.type) {
      case 'say': {
        this.listenAfterWords = null; // words with no listen step after them (yet) are not the caller's turn
        this.speaker.interrupt({ cause: 'agent-turn' });
        this.speaker.say(action.text, { interruptible: action.interruptible, ...(action.rate ? { rate: action.rate } : {}) });
        return;
      }
      case 'backchannel':
        this.speaker.backchannel(action.text);
        return;
      case 'listen':
        this.endpointing = action.endpointing ?? 'normal';
        this.expecting = action.expecting;
        this.digitsThisListen = 0;
        this.listenAfterWords = action.expecting;
        this.tickAudio.listening(action.expecting);
        this.endpointer.configure({ silenceMs: this.tuning.silenceMs[this.endpointing] });
        return;
      case 'pause_recording':
        this.tickAudio.pause();
        return;
      case 'resume_recording':
        this.tickAudio.resume();
        return;
      case 'stop_recording':
        void this.tickAudio.finishRecording(true);
        return;
      case 'hangup':
        if (!this.hangupRequested) this.lastAudibleTick = this.stats.ticks;
        this.hangupRequested = true;
        return;
      default:
        return;
    }
  }

  /**
   * Live transfer (issue 10): lets the agent's queued words play out (as a hang-up does), then stops
   * the clock, the engines and the recording but leaves the channel open for whoever takes the line.
   * Resolves once nothing here touches the channel any more (frames that still arrive are ignored):
   * true, the line is the taker's; false, it closed first (the caller hung up while the words played).
   */
  async handOff(): Promise<boolean> {
    if (!this.closed) {
      const released = new Promise<void>((resolve) => (this.handOffDone = resolve));
      this.apply({ type: 'hangup' });
      await released;
    }
    await this.closing;
    return this.keepChannel;
  }

  /** What the caller is expected to say next (for recognizer hints and tests). */
  get listening(): { expecting: ListenExpecting; endpointing: Endpointing } {
    return { expecting: this.expecting, endpointing: this.endpointing };
  }

  /** Recognizer streams, turns, retries and recovery times of this call (null without a recognizer). */
  get recognition(): RecognitionStats | null {
    return this.turns?.stats ?? null;
  }

  /** Response latency, recognizer counts and barge-ins so far, with the recording's length and paused spans. */
  get figures(): ChannelFigures {
    return { ...this.meter.figures(), ...this.tickAudio.figures };
  }

  /** Caller frames received but not yet through VAD/DTMF. */
  get backlogFrames(): number {
    return this.signal.backlog;
  }

  /** The agent has audio queued, playing or still being synthesized. */
  get speaking(): boolean {
    return !this.speaker.idle;
  }

  get speakerHolding(): boolean {
    return this.speaker.holding;
  }

  /** Resolves once every frame received so far went through VAD/DTMF and recognizers delivered. */
  async idle(): Promise<void> {
    let seen = -1;
    while (seen !== this.stats.framesIn) {
      seen = this.stats.framesIn;
      await this.signal.drained();
      await this.turns?.settled();
      // Let hypotheses already pushed by an engine reach us (they travel through promise callbacks).
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** Resolves once every synthesis started so far has produced its audio (tests, benchmark). */
  synthesized(): Promise<void> {
    return this.speaker.synthesized();
  }

  /** Idempotent. Stops the clock, the engines and the recording; resolves with the recording's fate. */
  close(reason = 'closed'): Promise<RecordingResult | null> {
    this.closing ??= this.shutdown(reason);
    return this.closing;
  }

  // ---- inbound ----

  private onChannelFrame(frame: AudioFrame): void {
    if (this.closed) return;
    this.stats.framesIn++;
    this.signal.receive(frame);
    if (this.signal.maxBacklog > this.stats.maxBacklogFrames) this.stats.maxBacklogFrames = this.signal.maxBacklog;
  }

  /** Each caller frame, analysed, in arrival order. */
  private onAnalysed({ internal, probability: heard, keys, activeDigit }: AnalysedFrame): void {
    if (activeDigit !== null && activeDigit !== '#' && !this.keyBargedIn && !this.outOfBandDtmf) {
      this.keyBargedIn = true;
      this.interrupt('keypad');
    }
    if (activeDigit === null) this.keyBargedIn = false;
    if (!this.outOfBandDtmf) for (const digit of keys) this.onDigits(digit);
    if (this.closed) return;
    const probability = activeDigit !== null || keys !== '' ? 0 : heard; // key tones are not speech
    this.turns?.push(internal);
    for (const event of this.endpointer.push(probability)) {
      if (event.type === 'speechStart') this.turns?.begin();
      else this.endTurn();
    }
    this.applyBargeIn(this.bargeIn.onFrame(probability, this.speaker.interruptiblePlaying), 'caller-speech');
  }

  private endTurn(): void {
    this.meter.turnEnded(this.stats.ticks);
    this.turns?.finish();
  }

  private onDigits(digits: string): void {
    if (this.closed || digits === '') return;
    // '#' ends an entry; callers press it just as the agent answers the entry ("that code is wrong"),
    // so a lone '#' must not cut that answer off before it is said and captioned (issue 9).
    if (/[^#]/.test(digits)) this.interrupt('keypad');
    if (digits.includes('#')) this.commitTurn();
    this.options.onEvent({ type: 'dtmf', digits });
  }

  /** The caller is done (code complete, '#'): end the turn now instead of waiting for silence. */
  private commitTurn(): void {
    for (const event of this.endpointer.commitNow()) if (event.type === 'speechEnd') this.endTurn();
  }

  private onHypothesis(h: Hypothesis): void {
    if (this.closed) return;
    this.meter.hypothesis(h);
    const text = h.text.trim();
    if (text === '') return;
    const ack = isShortAcknowledgement(text, this.options.lang);
    this.applyBargeIn(this.bargeIn.onWords(ack, this.speaker.interruptiblePlaying), 'caller-words');
    this.channel.sendCaption({ speaker: 'caller', text, final: h.isFinal });
    if (this.endpointing === 'digits') {
      const digits = readDigits([text], this.options.lang, this.tuning.codeLength).digits.length;
      if (h.isFinal) this.digitsThisListen += digits;
      if (this.digitsThisListen + (h.isFinal ? 0 : digits) >= this.tuning.codeLength && this.turns?.inTurn) this.commitTurn();
    }
    this.options.onEvent({
      type: 'utterance',
      text,
      isFinal: h.isFinal,
      ...(h.confidence === undefined ? {} : { confidence: h.confidence }),
    });
  }

  private onText(text: string, source: 'typed' | 'browser-asr', isFinal: boolean): void {
    if (this.closed) return;
    const trimmed = text.trim();
    if (source === 'typed' && !isFinal) {
      // Typing while the agent speaks is barge-in, as speaking is; and the caller is busy, not silent.
      this.applyBargeIn(this.bargeIn.onWords(false, this.speaker.interruptiblePlaying), 'caller-words');
      this.options.onEvent({ type: 'utterance', text: '', isFinal: false });
      return;
    }
    if (trimmed === '') return;
    // A working server recognizer hears the same words; the browser's would arrive twice.
    if (source === 'browser-asr' && this.turns && !this.turns.failed) return;
    const ack = isShortAcknowledgement(trimmed, this.options.lang);
    this.applyBargeIn(this.bargeIn.onWords(ack, this.speaker.interruptiblePlaying), 'caller-words');
    if (source === 'browser-asr') this.channel.sendCaption({ speaker: 'caller', text: trimmed, final: isFinal });
    if (source === 'typed' || isFinal) this.meter.turnEnded(this.stats.ticks);
    this.options.onEvent({ type: 'utterance', text: trimmed, isFinal: source === 'typed' ? true : isFinal });
  }

  private onRecognizerFailure(error: RecognizerError): void {
    if (this.closed) return;
    this.notice({ type: 'recognizer_failed', code: error.code, retryable: error.retryable });
    const prompt = KEYPAD_FALLBACK_PROMPT[this.options.lang];
    this.speaker.say(prompt, { interruptible: false });
    this.listenAfterWords = this.expecting;
    this.options.onKeypadOnly?.();
  }

  // ---- barge-in ----

  private applyBargeIn(decision: BargeInDecision, cause: 'caller-speech' | 'caller-words'): void {
    if (decision === 'hold') this.speaker.hold();
    else if (decision === 'resume') this.speaker.resume();
    else if (decision === 'interrupt') this.interrupt(cause);
  }

  private interrupt(cause: 'caller-speech' | 'caller-words' | 'keypad'): void {
    const playing = this.speaker.playingPrompt();
    const dropped = this.speaker.interrupt({ cause });
    this.bargeIn.playbackStopped();
    if (dropped.length === 0) return;
    this.meter.bargeIn();
    // Flush what the carrier still holds, and learn how much of the dropped prompt was heard.
    const cut = this.heard.cut(playing && dropped.includes(playing.id) ? playing : null, INTERNAL_RATE_HZ);
    this.notice({ type: 'barge_in', cause, dropped: dropped.length, ...(cut ? { cut } : {}) });
  }

  // ---- outbound ----

  private onTick(lateMs: number): void {
    if (this.closed) return;
    this.stats.ticks++;
    this.signal.tick();
    if (lateMs > 20) this.stats.lateTicksOver20Ms++;
    this.stats.lateness?.push(lateMs);
    const tick = this.speaker.tick();
    // The last words queued have reached the caller (or were cut off): the agent's silence clock starts here.
    if (tick.events.some((e) => e.type !== 'started') && this.speaker.idle) this.options.onEvent({ type: 'prompt_played' });
    for (const event of tick.events) {
      if (event.type !== 'started') continue;
      const text = this.speaker.textOf(event.id);
      if (text) this.channel.sendCaption({ speaker: 'agent', text, final: true });
    }
    this.tickAudio.tick(tick.frame.samples);
    if (tick.audible) {
      this.lastAudibleTick = this.stats.ticks;
      this.meter.agentAudible(this.stats.ticks);
    }
    const hangup =
      this.hangupRequested && (this.speaker.idle || (this.stats.ticks - this.lastAudibleTick) * 20 >= this.tuning.hangupDrainMaxMs);
    const listening = this.speaker.idle && !this.hangupRequested ? this.listenAfterWords : null;
    if (listening) this.listenAfterWords = null;
    // With a media shard the frame comes back resampled a moment later; ticks stay in order.
    this.signal.send(tick.frame.samples, (samples) => {
      if (this.closed) return;
      for (const frame of this.outFramer.push(samples)) {
        this.channel.sendFrame(frame);
        this.stats.framesOut++;
      }
      this.heard.sent(tick.prompt);
      // After the agent's last frame, as the text channel says it after the last line: the caller's turn.
      if (listening) this.channel.sendControl({ type: 'listening', expecting: listening });
      if (hangup && this.handOffDone) this.releaseLine();
      else if (hangup) this.channel.close('agent_hangup');
    });
  }

  // ---- lifecycle ----

  private releaseLine(): void {
    this.keepChannel = true;
    void this.close('handed_off');
  }

  private async shutdown(reason: string): Promise<RecordingResult | null> {
    const callerHungUp = !this.hangupRequested && reason !== 'agent_hangup';
    this.closed = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.turns?.close();
    this.speaker.close();
    if (!this.keepChannel) this.channel.close(reason);
    await this.signal.drained();
    this.signal.close();
    if (callerHungUp) this.options.onEvent({ type: 'hangup' });
    this.handOffDone?.();
    this.tickAudio.end(this.keepChannel ? 'handed_off' : 'call_ended');
    return this.tickAudio.finishRecording(false);
  }

  private notice(notice: VoiceNotice): void {
    this.options.onNotice?.(notice);
  }
}
