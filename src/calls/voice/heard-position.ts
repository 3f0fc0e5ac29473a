import type { PlayoutMarks } from '../../channels/audio-channel';
import type { Lang } from '../../domain/lang';
import { FRAME_MS } from '../../media/frame';
import type { PlayingPrompt } from './agent-speaker';

/** A prompt the caller cut off, as far as they heard it. */
export interface PromptCut {
  /** The whole prompt, as the agent said it. */
  readonly text: string;
  /** The start of it the caller heard (in proportion to the audio heard; whole words in English). */
  readonly heardText: string;
  readonly heardMs: number;
  /** The prompt's audio length, or null when synthesis had not finished when it was cut. */
  readonly lengthMs: number | null;
}

/** One mark per this many ticks of prompt audio (100 ms): the heard position is known to that. */
const MARK_EVERY_TICKS = 5;

/**
 * Learns what the caller actually heard of each prompt (TELEPHONY.md §0, §1.5: "sent" is not
 * "heard"). Every 20 ms tick of prompt audio is numbered; on channels with `playout` a mark named
 * after the tick goes out every 100 ms of it, and an echo means the caller heard up to that tick.
 * At a barge-in, cut() flushes the far end's buffer (`clear`) and reports the prompt as heard up to
 * the last echoed mark — echoes after the clear are discards, which the channel never reports.
 * Without `playout` (the softphone plays what it gets) every frame sent counts as heard.
 */
export class HeardPosition {
  private tick = 0;
  private heardThrough = -1;
  private current: { id: string; ticks: number[] } | null = null;

  constructor(
    private readonly playout: PlayoutMarks | undefined,
    private readonly lang: Lang,
  ) {
    playout?.onPlayed((name) => {
      const tick = Number(name.slice(1));
      if (Number.isInteger(tick) && tick > this.heardThrough) this.heardThrough = tick;
    });
  }

  /** Call once per clock tick, after its frames went to the channel: the prompt this frame carried, if any. */
  sent(prompt: PlayingPrompt | null): void {
    const tick = this.tick++;
    if (!prompt) return;
    if (this.current?.id !== prompt.id) this.current = { id: prompt.id, ticks: [] };
    this.current.ticks.push(tick);
    if (this.playout && this.current.ticks.length % MARK_EVERY_TICKS === 0) this.playout.mark(`t${tick}`);
  }

  /**
   * The caller barged in and the speaker dropped what it had: clears the far end's buffer, and
   * returns how much of `prompt` (the one playing when it was dropped; null if none) was heard.
   */
  cut(prompt: PlayingPrompt | null, sampleRateHz: number): PromptCut | null {
    this.playout?.clear();
    if (!prompt || this.current?.id !== prompt.id) return null;
    const ticks = this.current.ticks;
    const heardTicks = this.playout ? ticks.filter((t) => t <= this.heardThrough).length : ticks.length;
    this.current = null;
    const heardMs = heardTicks * FRAME_MS;
    const lengthMs = prompt.complete ? Math.round((prompt.samples / sampleRateHz) * 1000) : null;
    const knownMs = Math.max((prompt.samples / sampleRateHz) * 1000, heardMs, 1);
    return { text: prompt.text, heardText: leadingPart(prompt.text, heardMs / knownMs, this.lang), heardMs, lengthMs };
  }
}

/** The first `fraction` of `text` by characters; in English cut back to a whole word. */
function leadingPart(text: string, fraction: number, lang: Lang): string {
  const chars = Math.round(text.length * Math.min(1, Math.max(0, fraction)));
  if (chars >= text.length) return text;
  const head = text.slice(0, chars);
  if (lang !== 'en') return head;
  const space = head.lastIndexOf(' ');
  return /\s/.test(text[chars] ?? ' ') ? head : space > 0 ? head.slice(0, space) : '';
}
