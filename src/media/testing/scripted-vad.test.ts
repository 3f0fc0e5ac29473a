import { describe, expect, it } from 'vitest';
import { createScriptedVad } from './scripted-vad';
import { sine } from './signals';

describe('scripted VAD (test fake for Silero)', () => {
  const frame = (samples: Int16Array) => ({ samples, sampleRateHz: 8000 });

  it('hears a loud frame as speech and a quiet one as silence, at once and per detector', async () => {
    const vad = createScriptedVad();
    const detector = vad.createDetector();
    expect(await detector.process(frame(sine(440, 8000, 8000, 160)))).toBeGreaterThan(0.9);
    expect(await detector.process(frame(new Int16Array(160).fill(100)))).toBeLessThan(0.1);
    vad.createDetector();
    expect(vad.detectors).toBe(2);
  });

  it('follows a rule the test gives', async () => {
    const detector = createScriptedVad({ isSpeech: (f) => f.samples[0] === 1 }).createDetector();
    expect(await detector.process(frame(new Int16Array(160).fill(1)))).toBeGreaterThan(0.9);
    expect(await detector.process(frame(sine(440, 8000, 8000, 160)))).toBeLessThan(0.1);
  });
});
