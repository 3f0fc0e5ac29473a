// AudioWorklet processor: a jitter buffer for the agent's voice. 16 kHz PCM16 frames arrive from the
// page (posted from the WebSocket); playback starts once a little audio is queued, pauses on underrun
// until it is queued again, and drops the oldest audio when too much piles up so latency stays bounded.
const SOURCE_RATE_HZ = 16000;

class PlaybackProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const opts = (options && options.processorOptions) || {};
    this.prebufferSamples = Math.round(((opts.prebufferMs ?? 60) * SOURCE_RATE_HZ) / 1000);
    this.maxSamples = Math.round(((opts.maxBufferMs ?? 600) * SOURCE_RATE_HZ) / 1000);
    this.step = SOURCE_RATE_HZ / sampleRate; // source samples per output sample
    this.chunks = [];
    this.readIndex = 0;
    this.buffered = 0;
    this.playing = false;
    this.a = 0;
    this.b = 0;
    this.frac = 0;
    this.underruns = 0;
    this.dropped = 0;
    this.blocks = 0;
    this.port.onmessage = (event) => {
      const data = event.data;
      if (data instanceof ArrayBuffer) return this.enqueue(new Int16Array(data));
      if (data && data.type === 'clear') {
        this.chunks = [];
        this.readIndex = 0;
        this.buffered = 0;
        this.playing = false;
      }
    };
  }

  enqueue(samples) {
    const chunk = new Float32Array(samples.length);
    for (let i = 0; i < samples.length; i++) chunk[i] = samples[i] / 32768;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered > this.maxSamples && this.chunks.length > 1) {
      const old = this.chunks.shift();
      this.buffered -= old.length - this.readIndex;
      this.dropped += old.length - this.readIndex;
      this.readIndex = 0;
    }
    if (!this.playing && this.buffered >= this.prebufferSamples) this.playing = true;
  }

  next() {
    const chunk = this.chunks[0];
    if (!chunk) return 0;
    const value = chunk[this.readIndex++];
    this.buffered--;
    if (this.readIndex >= chunk.length) {
      this.chunks.shift();
      this.readIndex = 0;
    }
    return value;
  }

  process(_inputs, outputs) {
    const output = outputs[0];
    const first = output[0];
    for (let i = 0; i < first.length; i++) {
      if (!this.playing) {
        first[i] = 0;
        continue;
      }
      first[i] = this.a + (this.b - this.a) * this.frac;
      this.frac += this.step;
      while (this.frac >= 1) {
        this.frac -= 1;
        if (this.buffered === 0) {
          this.playing = false;
          this.underruns++;
          this.a = 0;
          this.b = 0;
          break;
        }
        this.a = this.b;
        this.b = this.next();
      }
    }
    for (let c = 1; c < output.length; c++) output[c].set(first);
    if (++this.blocks % 200 === 0) {
      this.port.postMessage({
        type: 'stats',
        bufferedMs: (this.buffered * 1000) / SOURCE_RATE_HZ,
        underruns: this.underruns,
        droppedSamples: this.dropped,
      });
    }
    return true;
  }
}

registerProcessor('aizuchi-playback', PlaybackProcessor);
