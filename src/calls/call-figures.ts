import type { ChannelFigures } from '../channels/call-channel';

/**
 * One call's figures as stored in its `call_ended` case event (`data.figures`), so the case page can
 * show them without a migration (issue 10: latency and recognizer figures per call). Times in ms.
 */
export interface CallFigures {
  /** Agent reply after each caller turn: how many, and the 50th / 95th percentile (nearest rank). */
  replies: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  /** The recognizer engine, null for a call without one (text, keypad, browser speech). */
  recognizer: string | null;
  recognized: number;
  noMatch: number;
  /** Mean engine confidence (0..1, 2 decimals) and how many finals were under 0.5, when the engine reports it. */
  meanConfidence: number | null;
  lowConfidence: number;
  bargeIns: number;
  /** Recording: when its first sample was (ISO-8601 UTC, the clock the transcript is timed by), its length, and the paused spans. */
  recordingStartedAt: string | null;
  recordedMs: number | null;
  recordingGaps: { fromMs: number; toMs: number }[];
}

/** Nearest-rank percentile of `values` (p in 0..100); null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? null;
}

/**
 * The stored summary of what the channel (voice: the bridge) and the session measured. The channel's
 * latencies (end of speech → first agent audio) win over the session's (caller line → agent line),
 * which are all a text call has. `recordingStartedAt`: the instant the recording's first sample was,
 * from the attach time and the audio already recorded then.
 */
export function summarizeFigures(
  channel: ChannelFigures,
  sessionLatencyMs: readonly number[],
  recordingStartedAt: string | null,
): CallFigures {
  const latencies = channel.responseLatencyMs ?? sessionLatencyMs;
  const confidences = channel.confidences ?? [];
  const mean = confidences.length ? Math.round((confidences.reduce((a, b) => a + b, 0) / confidences.length) * 100) / 100 : null;
  return {
    replies: latencies.length,
    latencyP50Ms: percentile(latencies, 50),
    latencyP95Ms: percentile(latencies, 95),
    recognizer: channel.recognizer ?? null,
    recognized: channel.recognized ?? 0,
    noMatch: channel.noMatch ?? 0,
    meanConfidence: mean,
    lowConfidence: confidences.filter((c) => c < 0.5).length,
    bargeIns: channel.bargeIns ?? 0,
    recordingStartedAt: channel.recordedMs === undefined ? null : recordingStartedAt,
    recordedMs: channel.recordedMs ?? null,
    recordingGaps: (channel.recordingGaps ?? []).map((g) => ({ fromMs: g.fromMs, toMs: g.toMs })),
  };
}

/** The figures of `callId` from a case's history (its `call_ended` event), or null for a call ended before they were kept. */
export function figuresFromHistory(history: readonly { kind: string; data: string }[], callId: string): CallFigures | null {
  for (const e of history) {
    if (e.kind !== 'call_ended') continue;
    let data: unknown;
    try {
      data = JSON.parse(e.data);
    } catch {
      continue;
    }
    const d = data as { callId?: unknown; figures?: unknown };
    if (d.callId === callId && d.figures && typeof d.figures === 'object') return d.figures as CallFigures;
  }
  return null;
}
