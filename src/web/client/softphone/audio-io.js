import { scheduleKeyTones } from './keypad-tones.js';

// Everything the softphone does with sound: microphone → capture worklet → 20 ms PCM frames;
// agent frames → playback worklet; the ringtone; keypad tones (to the speaker, or into the
// microphone path so they travel in-band like a real phone's).
export class AudioIo {
  constructor(assetBase, { onFrame, onPlaybackStats }) {
    this.assetBase = assetBase;
    this.onFrame = onFrame;
    this.onPlaybackStats = onPlaybackStats;
    this.context = null;
    this.stream = null;
    this.micGain = null;
    this.capture = null;
    this.playback = null;
    this.ringTimer = null;
    this.micError = null;
  }

  /**
   * Whether this browser lets the page start sound without a tap (autoplay policy): a context made
   * outside a gesture starts "running" only then. The probe context is closed at once.
   */
  static autoplayAllowed() {
    try {
      const probe = new AudioContext();
      const allowed = probe.state === 'running';
      void probe.close();
      return allowed;
    } catch {
      return false;
    }
  }

  /** True once sound can play (the context exists and runs). */
  soundReady() {
    return this.context?.state === 'running';
  }

  /** Must run inside a user gesture the first time (autoplay rules). */
  async unlock() {
    if (!this.context) {
      this.context = new AudioContext({ latencyHint: 'interactive' });
      await this.context.audioWorklet.addModule(this.assetBase + 'capture-worklet.js');
      await this.context.audioWorklet.addModule(this.assetBase + 'playback-worklet.js');
      // One (silent) output wired to the destination so every browser keeps pulling the processor.
      this.capture = new AudioWorkletNode(this.context, 'aizuchi-capture', {
        numberOfInputs: 1,
        numberOfOutputs: 1,
        outputChannelCount: [1],
        channelCount: 1,
        channelCountMode: 'explicit',
      });
      this.capture.connect(this.context.destination);
      this.capture.port.onmessage = (event) => {
        if (event.data instanceof ArrayBuffer) this.onFrame(event.data);
      };
      this.playback = new AudioWorkletNode(this.context, 'aizuchi-playback', {
        numberOfInputs: 0,
        numberOfOutputs: 1,
        outputChannelCount: [1],
      });
      this.playback.port.onmessage = (event) => this.onPlaybackStats(event.data);
      this.playback.connect(this.context.destination);
      // The in-band bus: keypad tones meant to travel in the call's audio join the microphone here.
      this.micGain = this.context.createGain();
      this.micGain.connect(this.capture);
    }
    if (this.context.state !== 'running') await this.context.resume();
  }

  /** Asks for the microphone; without one the call still works by keypad and text. */
  async openMicrophone() {
    if (this.stream) return true;
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 },
      });
      this.context.createMediaStreamSource(this.stream).connect(this.micGain);
      return true;
    } catch (err) {
      this.micError = err;
      return false;
    }
  }

  setMuted(muted) {
    this.capture?.port.postMessage({ type: 'mute', muted });
  }

  playAgentFrame(buffer) {
    this.playback?.port.postMessage(buffer, [buffer]);
  }

  clearPlayback() {
    this.playback?.port.postMessage({ type: 'clear' });
  }

  /** Keypad feedback for the caller's own ear. */
  keyClick(key) {
    if (!this.context) return Promise.resolve();
    return scheduleKeyTones(this.context, this.context.destination, key, { toneMs: 100, gapMs: 0, level: 0.08 });
  }

  /** Keys as real tones inside the microphone audio the server hears (in-band DTMF). */
  keysInBand(keys, options) {
    if (!this.context) return Promise.reject(new Error('audio not started'));
    return scheduleKeyTones(this.context, this.micGain, keys, options);
  }

  startRinging() {
    if (!this.context || this.ringTimer) return;
    const ring = () => {
      // Two bursts of a warbling 1.3/1.6 kHz pair: unmistakably "incoming call", not a dial tone.
      const t0 = this.context.currentTime + 0.02;
      const gain = this.context.createGain();
      gain.gain.value = 0;
      gain.connect(this.context.destination);
      for (const start of [0, 0.5]) {
        gain.gain.setValueAtTime(0.15, t0 + start);
        gain.gain.setValueAtTime(0, t0 + start + 0.4);
      }
      const oscs = [1300, 1600].map((hz) => {
        const osc = this.context.createOscillator();
        osc.frequency.value = hz;
        osc.connect(gain);
        osc.start(t0);
        osc.stop(t0 + 1);
        return osc;
      });
      oscs[1].onended = () => gain.disconnect();
    };
    ring();
    this.ringTimer = setInterval(ring, 3000);
  }

  stopRinging() {
    if (this.ringTimer) clearInterval(this.ringTimer);
    this.ringTimer = null;
  }

  stop() {
    this.stopRinging();
    this.stream?.getTracks().forEach((t) => t.stop());
    this.stream = null;
    void this.context?.close();
    this.context = null;
  }
}
