/** Samples per listener frame: 20 ms at the voice bridge's internal 16 kHz (INTERNAL_RATE_HZ). */
export const LISTEN_FRAME_SAMPLES = 320;

/** Why a tap ended for its listeners: the call's line closed, or was handed to a person. */
export type TapEndReason = 'call_ended' | 'handed_off';

/**
 * Someone listening in on a call (issue 10, the console's "Listen"): 20 ms frames of 16 kHz mono
 * PCM16, caller and agent mixed; `paused` true while the caller enters the code (the frames are
 * silence then), false when it ends; `ended` once, when the call ends here.
 */
export interface CallListener {
  frame(samples: Int16Array): void;
  paused(paused: boolean): void;
  ended(reason: TapEndReason): void;
}

const SILENCE = new Int16Array(LISTEN_FRAME_SAMPLES);

/**
 * One call's audio tap: a fan-out of the frames the voice bridge already mixes for the recording.
 * Nobody listening costs one size check per tick: nothing is mixed or copied. The code span is
 * silence for listeners whatever the recording does — the recording pauses only when it runs (a
 * customer who refused recording has no recorder), and DTMF tones or spoken digits would give the
 * code away — so both signals are kept: the recording's pause and the agent listening for a code.
 */
export class CallTap {
  private readonly listeners = new Set<CallListener>();
  private recordingPaused = false;
  private codeStep = false;
  private endedWith: TapEndReason | null = null;

  /** Someone is listening: the bridge keeps the caller's frames for the mix. */
  get active(): boolean {
    return this.listeners.size > 0;
  }

  /** Listeners hear silence now (the code is being entered). */
  get paused(): boolean {
    return this.recordingPaused || this.codeStep;
  }

  get ended(): boolean {
    return this.endedWith !== null;
  }

  /** Adds a listener (told at once whether the call is paused); returns the remove function. Ended tap: told `ended` at once. */
  add(listener: CallListener): () => void {
    if (this.endedWith) {
      listener.ended(this.endedWith);
      return () => undefined;
    }
    this.listeners.add(listener);
    listener.paused(this.paused);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** The recording paused or resumed (the agent's pause_recording / resume_recording). */
  setRecordingPaused(paused: boolean): void {
    this.change(() => (this.recordingPaused = paused));
  }

  /** The agent listens for the code (listen action expecting 'code'), or no longer does. */
  setCodeStep(code: boolean): void {
    this.change(() => (this.codeStep = code));
  }

  /** One tick: the caller's frame (null: none arrived) and the agent's, both 16 kHz. */
  push(caller: Int16Array | null, agent: Int16Array): void {
    if (this.listeners.size === 0) return;
    const frame = this.paused ? SILENCE : mixFrames(caller, agent);
    this.each((l) => l.frame(frame));
  }

  /** The call is over here; every listener is told once and dropped. */
  end(reason: TapEndReason): void {
    if (this.endedWith) return;
    this.endedWith = reason;
    this.each((l) => l.ended(reason));
    this.listeners.clear();
  }

  private change(apply: () => void): void {
    const before = this.paused;
    apply();
    if (this.paused !== before) this.each((l) => l.paused(this.paused));
  }

  private each(fn: (l: CallListener) => void): void {
    for (const listener of [...this.listeners]) {
      try {
        fn(listener);
      } catch {
        // A broken listener (its socket closed mid-write) must not touch the call or the others.
        this.listeners.delete(listener);
      }
    }
  }
}

/** Caller + agent, summed and clipped to 16 bits; LISTEN_FRAME_SAMPLES long (padded with silence). */
export function mixFrames(caller: Int16Array | null, agent: Int16Array): Int16Array {
  const out = new Int16Array(LISTEN_FRAME_SAMPLES);
  for (let i = 0; i < LISTEN_FRAME_SAMPLES; i++) {
    const sum = (caller?.[i] ?? 0) + (agent[i] ?? 0);
    out[i] = sum > 32767 ? 32767 : sum < -32768 ? -32768 : sum;
  }
  return out;
}

/**
 * The taps of the calls this process runs, by call id. A listener can only be served by the process
 * whose voice bridge has the call (calls.owner_id); the console asks here first.
 */
export class CallTaps {
  private readonly taps = new Map<string, CallTap>();

  /** A new tap for a call starting here (a second open for the same id replaces the first). */
  open(callId: string): CallTap {
    const tap = new CallTap();
    this.taps.set(callId, tap);
    return tap;
  }

  get(callId: string): CallTap | undefined {
    const tap = this.taps.get(callId);
    return tap && !tap.ended ? tap : undefined;
  }

  /** Forgets the call's tap once its line closed (the bridge already told its listeners); a newer tap for the id stays. */
  close(callId: string, tap: CallTap): void {
    tap.end('call_ended');
    if (this.taps.get(callId) === tap) this.taps.delete(callId);
  }
}
