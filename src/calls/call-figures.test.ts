import { describe, expect, it } from 'vitest';
import { figuresFromHistory, percentile, summarizeFigures } from './call-figures';
import { CallFiguresMeter } from './voice/call-figures-meter';

describe("a call's figures (issue 10: response latency and recognizer figures on the case page)", () => {
  it('percentiles are nearest-rank', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([300], 95)).toBe(300);
    const twenty = Array.from({ length: 20 }, (_, i) => (i + 1) * 100); // 100 … 2000
    expect(percentile(twenty, 50)).toBe(1000);
    expect(percentile(twenty, 95)).toBe(1900);
  });

  it('the voice meter times each reply from the end of the caller turn to the first agent audio, in 20 ms ticks', () => {
    const meter = new CallFiguresMeter('whisper-http');
    meter.agentAudible(3); // the greeting: no caller turn before it, no sample
    meter.turnEnded(100);
    meter.agentAudible(131); // 620 ms later
    meter.agentAudible(132); // the same reply goes on
    meter.turnEnded(200);
    meter.turnEnded(210); // the caller went on: the reply is timed from their last end
    meter.agentAudible(250);
    meter.hypothesis({ text: 'はい', isFinal: false, startMs: 0, endMs: 1 });
    meter.hypothesis({ text: 'はい', isFinal: true, confidence: 0.9, startMs: 0, endMs: 1 });
    meter.hypothesis({ text: ' ', isFinal: true, startMs: 0, endMs: 1 });
    meter.hypothesis({ text: 'えっと', isFinal: true, confidence: 0.4, startMs: 0, endMs: 1 });
    meter.bargeIn();
    expect(meter.figures()).toEqual({
      responseLatencyMs: [620, 800],
      recognizer: 'whisper-http',
      recognized: 2,
      noMatch: 1,
      confidences: [0.9, 0.4],
      bargeIns: 1,
    });
  });

  it('stores p50/p95, the confidence summary and the recording origin; a text call keeps the session latencies', () => {
    const voice = summarizeFigures(
      {
        responseLatencyMs: [620, 800],
        recognizer: 'whisper-http',
        recognized: 2,
        noMatch: 1,
        confidences: [0.9, 0.4],
        bargeIns: 1,
        recordedMs: 1200,
        recordingGaps: [{ fromMs: 100, toMs: 200 }],
      },
      [5, 6],
      '2026-01-06T01:00:00.000Z',
    );
    expect(voice).toEqual({
      replies: 2,
      latencyP50Ms: 620,
      latencyP95Ms: 800,
      recognizer: 'whisper-http',
      recognized: 2,
      noMatch: 1,
      meanConfidence: 0.65,
      lowConfidence: 1,
      bargeIns: 1,
      recordingStartedAt: '2026-01-06T01:00:00.000Z',
      recordedMs: 1200,
      recordingGaps: [{ fromMs: 100, toMs: 200 }],
    });
    const text = summarizeFigures({}, [40, 10, 30], null);
    expect(text).toMatchObject({
      replies: 3,
      latencyP50Ms: 30,
      latencyP95Ms: 40,
      recognizer: null,
      recordingStartedAt: null,
      recordingGaps: [],
    });
  });

  it("reads them back from the call's call_ended event, and null for a call ended before they were kept", () => {
    const history = [
      { kind: 'call_ended', data: JSON.stringify({ callId: 'a', outcome: 'abandoned' }) },
      { kind: 'call_ended', data: JSON.stringify({ callId: 'b', figures: { replies: 1 } }) },
    ];
    expect(figuresFromHistory(history, 'b')).toEqual({ replies: 1 });
    expect(figuresFromHistory(history, 'a')).toBeNull();
  });
});
