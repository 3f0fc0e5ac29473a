// AudioWorklet processor: microphone (plus any in-band keypad tones mixed into the same input) at the
// context's rate → 16 kHz PCM16 frames of 320 samples (20 ms), posted to the page as ArrayBuffers.
// Resampling happens here rather than through a 16 kHz AudioContext because not every browser can
// connect a microphone to a context running at another rate.
const TARGET_RATE_HZ = 16000;
const FRAME_SAMPLES = 320;

class CaptureProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.step = sampleRate / TARGET_RATE_HZ; // input samples per output sample
    this.inputIndex = 0;
    this.nextOutputAt = 0;
    this.previous = 0;
    // Two one-pole low-passes at ~6.5 kHz: enough anti-aliasing for speech and keypad tones.
    this.alpha = this.step > 1 ? 1 - Math.exp((-2 * Math.PI * 6500) / sampleRate) : 1;
    this.lp1 = 0;
    this.lp2 = 0;
    this.frame = new Int16Array(FRAME_SAMPLES);
    this.fill = 0;
    this.muted = false;
    this.port.onmessage = (event) => {
      if (event.data && event.data.type === 'mute') this.muted = Boolean(event.data.muted);
    };
  }

  push(value) {
    const clipped = Math.max(-1, Math.min(1, value));
    this.frame[this.fill++] = Math.round(clipped * 32767);
    if (this.fill === FRAME_SAMPLES) {
      const out = this.frame;
      this.port.postMessage(out.buffer, [out.buffer]);
      this.frame = new Int16Array(FRAME_SAMPLES);
      this.fill = 0;
    }
  }

  process(inputs) {
    const input = inputs[0];
    const channels = input ? input.length : 0;
    const length = channels > 0 ? input[0].length : 128;
    for (let i = 0; i < length; i++) {
      let x = 0;
      for (let c = 0; c < channels; c++) x += input[c][i];
      if (channels > 1) x /= channels;
      if (this.muted) x = 0;
      this.lp1 += this.alpha * (x - this.lp1);
      this.lp2 += this.alpha * (this.lp1 - this.lp2);
      const current = this.lp2;
      // Linear interpolation between the previous and current input sample.
      while (this.nextOutputAt <= this.inputIndex) {
        const frac = this.nextOutputAt - (this.inputIndex - 1);
        this.push(this.previous + (current - this.previous) * frac);
        this.nextOutputAt += this.step;
      }
      this.previous = current;
      this.inputIndex++;
      if (this.inputIndex > 1e6) {
        this.inputIndex -= 1e6;
        this.nextOutputAt -= 1e6;
      }
    }
    return true;
  }
}

registerProcessor('aizuchi-capture', CaptureProcessor);
