import { describe, expect, it } from 'vitest';
import { EnergyGate, gatedInfer, levelDbfs } from './energy-gate';

/** A 512-sample window of a 440 Hz sine at `dbfs` RMS level. */
function tone(dbfs: number): Float32Array {
  const amplitude = Math.SQRT2 * 10 ** (dbfs / 20);
  return Float32Array.from({ length: 512 }, (_, i) => amplitude * Math.sin((2 * Math.PI * 440 * i) / 16000));
}

function feed(gate: EnergyGate, dbfs: number, windows: number): boolean[] {
  return Array.from({ length: windows }, () => gate.admit(tone(dbfs)));
}

describe('levelDbfs', () => {
  it('measures RMS in dBFS and clamps digital silence', () => {
    expect(levelDbfs(tone(-20))).toBeCloseTo(-20, 1);
    expect(levelDbfs(new Float32Array(512))).toBe(-100);
  });
});

describe('EnergyGate', () => {
  it('passes everything while learning, then gates background at the floor', () => {
    const gate = new EnergyGate({ learningWindows: 4, hangoverWindows: 2 });
    expect(feed(gate, -60, 4)).toEqual([true, true, true, true]);
    // Still open through the hangover, then closed.
    expect(feed(gate, -60, 4)).toEqual([true, true, false, false]);
    expect(gate.noiseFloorDb).toBeCloseTo(-60, 0);
    expect(gate.skipped).toBe(2);
    expect(gate.inferred).toBe(6);
  });

  it('opens on a window 9 dB above the floor and stays open within the hysteresis band', () => {
    const gate = new EnergyGate({ learningWindows: 1, hangoverWindows: 0, floorRiseDbPerWindow: 0 });
    feed(gate, -60, 3);
    expect(gate.isOpen).toBe(false);
    // 8 dB above: inside the band (not enough to open from closed).
    expect(feed(gate, -52, 1)).toEqual([false]);
    expect(feed(gate, -50, 1)).toEqual([true]);
    // Back to 8 dB above: above the close threshold (6 dB), so it stays open.
    expect(feed(gate, -52, 3)).toEqual([true, true, true]);
    // At the floor: closes (no hangover configured) after one quiet window.
    expect(feed(gate, -60, 2)).toEqual([false, false]);
  });

  it('keeps the gate open for the hangover after speech, and reopens on the next word', () => {
    const gate = new EnergyGate({ learningWindows: 1, hangoverWindows: 3, floorRiseDbPerWindow: 0 });
    feed(gate, -70, 10);
    expect(feed(gate, -30, 2)).toEqual([true, true]);
    expect(feed(gate, -70, 5)).toEqual([true, true, true, false, false]);
    expect(feed(gate, -40, 1)).toEqual([true]);
  });

  it('always passes loud windows, even over a loud floor', () => {
    const gate = new EnergyGate({ learningWindows: 1, hangoverWindows: 0 });
    feed(gate, -25, 20);
    expect(gate.isOpen).toBe(true);
  });

  it('lets the floor follow a noisier room slowly and close again', () => {
    const gate = new EnergyGate({ learningWindows: 1, hangoverWindows: 0, floorRiseDbPerWindow: 0.5 });
    feed(gate, -70, 5);
    // The room gets 20 dB noisier: heard as speech at first, background once the floor has risen.
    const after = feed(gate, -50, 60);
    expect(after[0]).toBe(true);
    expect(after[after.length - 1]).toBe(false);
    expect(gate.noiseFloorDb).toBeCloseTo(-50, 0);
  });

  it('refuses a close threshold above the open threshold', () => {
    expect(() => new EnergyGate({ openAboveFloorDb: 3, closeAboveFloorDb: 6 })).toThrow(RangeError);
  });

  it('answers 0 and keeps the model state for gated windows', async () => {
    const gate = new EnergyGate({ learningWindows: 1, hangoverWindows: 0 });
    let runs = 0;
    const infer = gatedInfer(async (_w, h, c) => {
      runs++;
      return { p: 0.9, h: h.map((x) => x + 1), c };
    }, gate);
    const h = new Float32Array(128);
    const c = new Float32Array(128);
    const first = await infer(tone(-60), h, c);
    expect(first.p).toBe(0.9);
    // At the floor, no hangover: gated from the second window on.
    const gated = await infer(tone(-60), first.h, c);
    expect(gated.p).toBe(0);
    expect(gated.h).toBe(first.h);
    expect(runs).toBe(1);
  });
});
