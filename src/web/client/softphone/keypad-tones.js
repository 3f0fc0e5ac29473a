// DTMF key frequencies (ITU-T Q.23) and a Web Audio renderer for them.
const LOW_HZ = {
  1: 697,
  2: 697,
  3: 697,
  A: 697,
  4: 770,
  5: 770,
  6: 770,
  B: 770,
  7: 852,
  8: 852,
  9: 852,
  C: 852,
  '*': 941,
  0: 941,
  '#': 941,
  D: 941,
};
const HIGH_HZ = {
  1: 1209,
  4: 1209,
  7: 1209,
  '*': 1209,
  2: 1336,
  5: 1336,
  8: 1336,
  0: 1336,
  3: 1477,
  6: 1477,
  9: 1477,
  '#': 1477,
  A: 1633,
  B: 1633,
  C: 1633,
  D: 1633,
};

export function isKey(key) {
  return typeof key === 'string' && key.length === 1 && key in LOW_HZ;
}

/**
 * Schedules the keys as dual tones on `destination` starting now; resolves when the last one ends.
 * Each tone is two OscillatorNodes at `level` (0..1 of full scale) with 5 ms ramps against clicks.
 */
export function scheduleKeyTones(context, destination, keys, { toneMs = 120, gapMs = 120, level = 0.2 } = {}) {
  let at = context.currentTime + 0.05;
  for (const key of keys) {
    if (!isKey(key)) throw new RangeError(`not a keypad key: ${key}`);
    const gain = context.createGain();
    gain.gain.setValueAtTime(0, at);
    gain.gain.linearRampToValueAtTime(level, at + 0.005);
    gain.gain.setValueAtTime(level, at + toneMs / 1000 - 0.005);
    gain.gain.linearRampToValueAtTime(0, at + toneMs / 1000);
    gain.connect(destination);
    for (const hz of [LOW_HZ[key], HIGH_HZ[key]]) {
      const osc = context.createOscillator();
      osc.frequency.value = hz;
      osc.connect(gain);
      osc.start(at);
      osc.stop(at + toneMs / 1000 + 0.01);
      osc.onended = () => gain.disconnect();
    }
    at += (toneMs + gapMs) / 1000;
  }
  const totalMs = (at - context.currentTime) * 1000;
  return new Promise((resolve) => setTimeout(resolve, totalMs + 50));
}
