/** A model run on one window with the call's state (silero-vad.ts SileroInfer; restated here so the gate stays a leaf). */
export type WindowInfer = (
  window: Float32Array,
  h: Float32Array,
  c: Float32Array,
) => Promise<{ p: number; h: Float32Array; c: Float32Array }>;

export interface EnergyGateOptions {
  /** The gate opens on a window this many dB above the caller's noise floor. */
  readonly openAboveFloorDb?: number;
  /** Once open, it closes only after `hangoverWindows` in a row at most this many dB above the floor (hysteresis). */
  readonly closeAboveFloorDb?: number;
  /** Quiet windows the gate stays open for, so Silero also hears the tail of a word and its LSTM state settles. */
  readonly hangoverWindows?: number;
  /** Windows at the start of a call that always go to Silero while the floor is learnt. */
  readonly learningWindows?: number;
  /** How fast the floor may rise, dB per window (it falls at once to any quieter window). */
  readonly floorRiseDbPerWindow?: number;
  /** Never gate a window louder than this (dBFS): loud speech over loud noise still reaches Silero. */
  readonly alwaysOpenDbfs?: number;
}

/** Lowest level considered (dBFS): digital silence would otherwise be -Infinity. */
const FLOOR_LIMIT_DBFS = -100;

/*
 * Defaults. Speech sits 15-40 dB above the background in telephone audio (ITU-T P.56 measures active
 * speech level against the noise floor the same way); a window within 6 dB of the floor is background
 * for Silero too. Opening at +9 dB and closing at +6 dB gives the 3 dB of hysteresis that keeps a level
 * hovering near the threshold from flapping. 10 windows of hangover = 320 ms, above the 240 ms
 * barge-in resume and below the 700 ms end-of-turn silence, so the endpointer decides on Silero's
 * probabilities, not on the gate. The floor rises at 0.05 dB per 32 ms window (~1.5 dB/s): a
 * minimum-statistics tracker that follows a noisier room within seconds but not a spoken sentence.
 */
const DEFAULTS: Required<EnergyGateOptions> = {
  openAboveFloorDb: 9,
  closeAboveFloorDb: 6,
  hangoverWindows: 10,
  learningWindows: 8,
  floorRiseDbPerWindow: 0.05,
  alwaysOpenDbfs: -30,
};

/**
 * Energy gate in front of Silero, one per call: decides per 32 ms model window whether inference can
 * change the answer. Windows near the caller's noise floor are background; Silero would say "no
 * speech" for them, so the gate answers 0 without running the model. Hysteresis (open at
 * `openAboveFloorDb`, close below `closeAboveFloorDb` after `hangoverWindows`) keeps speech starts and
 * word tails going to Silero. Pure: levels are computed from the samples given, no clock.
 */
export class EnergyGate {
  private readonly config: Required<EnergyGateOptions>;
  private floorDb = FLOOR_LIMIT_DBFS;
  private seen = 0;
  private open = true;
  private quietRun = 0;
  private lastSkipped: Float32Array | null = null;
  /**
   * Set by admit() when the gate has just reopened: the window skipped just before this one. Run it
   * through the model first, so the LSTM state has heard the run-up to the word (as it would without
   * the gate) and the speech start is not late. Null otherwise.
   */
  warmUp: Float32Array | null = null;
  /** Windows that went to the model and windows answered by the gate alone. */
  inferred = 0;
  skipped = 0;

  constructor(options: EnergyGateOptions = {}) {
    this.config = { ...DEFAULTS, ...options };
    if (this.config.closeAboveFloorDb > this.config.openAboveFloorDb) {
      throw new RangeError('closeAboveFloorDb must not exceed openAboveFloorDb');
    }
  }

  /** The noise floor learnt so far (dBFS). */
  get noiseFloorDb(): number {
    return this.floorDb;
  }

  get isOpen(): boolean {
    return this.open;
  }

  /**
   * One model window (samples scaled to -1..1). Returns true when the window should go to the model,
   * false when the gate answers "no speech" itself. Updates the floor and the gate's state.
   */
  admit(window: Float32Array): boolean {
    const level = levelDbfs(window);
    const c = this.config;
    if (this.seen === 0 || level < this.floorDb) this.floorDb = level;
    else this.floorDb = Math.min(level, this.floorDb + c.floorRiseDbPerWindow);
    this.seen++;
    const above = level - this.floorDb;
    const wasOpen = this.open;
    if (this.seen <= c.learningWindows || level >= c.alwaysOpenDbfs || above >= c.openAboveFloorDb) {
      this.open = true;
      this.quietRun = 0;
    } else if (this.open) {
      if (above <= c.closeAboveFloorDb) this.quietRun++;
      else this.quietRun = 0;
      if (this.quietRun > c.hangoverWindows) this.open = false;
    }
    this.warmUp = this.open && !wasOpen ? this.lastSkipped : null;
    this.lastSkipped = this.open ? null : window;
    if (this.open) this.inferred += this.warmUp ? 2 : 1;
    else this.skipped++;
    return this.open;
  }
}

/** RMS level of a window in dBFS (full-scale sine ≈ -3 dBFS), clamped at -100. */
export function levelDbfs(window: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < window.length; i++) {
    const x = window[i] as number;
    sum += x * x;
  }
  const meanSquare = window.length === 0 ? 0 : sum / window.length;
  return meanSquare <= 0 ? FLOOR_LIMIT_DBFS : Math.max(FLOOR_LIMIT_DBFS, 10 * Math.log10(meanSquare));
}

/**
 * Wraps a Silero inference with a gate: a gated window keeps the LSTM state as it was and answers
 * probability 0 (what the model gives background), so SileroWindowDetector needs no change. On
 * reopening, the window skipped last runs first (EnergyGate.warmUp).
 */
export function gatedInfer(infer: WindowInfer, gate: EnergyGate): WindowInfer {
  return async (window, h, c) => {
    if (!gate.admit(window)) return { p: 0, h, c };
    const warmUp = gate.warmUp;
    if (!warmUp) return infer(window, h, c);
    const warmed = await infer(warmUp, h, c);
    return infer(window, warmed.h, warmed.c);
  };
}
