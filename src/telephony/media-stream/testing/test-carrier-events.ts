import type { AudioChannel } from '../../../channels/audio-channel';
import type { CallProgress, CarrierEvents, CarrierLeg } from '../../../channels/carrier';

/**
 * A small CarrierEvents for tests of the media-stream endpoint: knows a set of single-use tokens,
 * spends each once, and hands the channel to `onAnswered` (where a test or the benchmark runs
 * its agent). The real one (tel-core) does the same against the calls table.
 */
export class TestCarrierEvents implements CarrierEvents {
  readonly answers: Array<{ callId: string; leg: CarrierLeg | null; audio: AudioChannel }> = [];
  readonly progressSeen: Array<{ leg: CarrierLeg; progress: CallProgress }> = [];
  private readonly tokens = new Map<string, string>();
  private readonly spent = new Set<string>();

  constructor(
    tokens: Record<string, string> = {},
    private readonly onAnswered?: (audio: AudioChannel, callId: string) => void | Promise<void>,
  ) {
    for (const [token, callId] of Object.entries(tokens)) this.tokens.set(token, callId);
  }

  /** Issues `token` for `callId` (as the outbound-call job would before dialling). */
  issue(token: string, callId: string): void {
    this.tokens.set(token, callId);
  }

  async progress(leg: CarrierLeg, progress: CallProgress): Promise<void> {
    this.progressSeen.push({ leg, progress });
  }

  async answered(
    mediaToken: string,
    audio: AudioChannel,
    leg: CarrierLeg | null,
  ): Promise<{ ok: true; callId: string } | { ok: false; reason: 'unknown' | 'used' | 'expired' | 'closed' }> {
    if (this.spent.has(mediaToken)) return { ok: false, reason: 'used' };
    const callId = this.tokens.get(mediaToken);
    if (callId === undefined) return { ok: false, reason: 'unknown' };
    this.spent.add(mediaToken);
    this.answers.push({ callId, leg, audio });
    await this.onAnswered?.(audio, callId);
    return { ok: true, callId };
  }
}
