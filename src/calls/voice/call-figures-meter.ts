import type { ChannelFigures } from '../../channels/call-channel';
import type { Hypothesis } from '../../speech/recognizer';

/**
 * Counts one voice call's figures as the bridge runs (issue 10: the case page's latency and
 * recognizer figures). Time is the bridge's 20 ms tick count, so a latency is exact to one frame and
 * independent of the wall clock: a caller turn ends (endpoint or typed line) at tick A, the next
 * audible agent frame goes out at tick B, the reply took (B − A) × 20 ms. A turn the agent does not
 * answer with audio (the call ends) leaves no sample.
 */
export class CallFiguresMeter {
  private readonly latencies: number[] = [];
  private readonly confidences: number[] = [];
  private turnEndedAt: number | null = null;
  private recognized = 0;
  private noMatch = 0;
  private bargeIns = 0;

  constructor(private readonly recognizer: string | null) {}

  /** The caller finished a turn at this tick (end of speech, '#', a typed line). */
  turnEnded(tick: number): void {
    this.turnEndedAt = tick;
  }

  /** An agent frame with sound went out at this tick. */
  agentAudible(tick: number): void {
    if (this.turnEndedAt === null) return;
    this.latencies.push(Math.max(0, tick - this.turnEndedAt) * 20);
    this.turnEndedAt = null;
  }

  /** Every hypothesis the recognizer gave; only finals count. */
  hypothesis(h: Hypothesis): void {
    if (!h.isFinal) return;
    if (h.text.trim() === '') {
      this.noMatch++;
      return;
    }
    this.recognized++;
    if (h.confidence !== undefined) this.confidences.push(h.confidence);
  }

  bargeIn(): void {
    this.bargeIns++;
  }

  figures(): ChannelFigures {
    return {
      responseLatencyMs: [...this.latencies],
      recognizer: this.recognizer,
      recognized: this.recognized,
      noMatch: this.noMatch,
      confidences: [...this.confidences],
      bargeIns: this.bargeIns,
    };
  }
}
