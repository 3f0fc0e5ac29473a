import type { AudioFrame } from '../../media/frame';
import { SynthesisError } from '../synthesizer';
import { Reframer } from '../../media/reframer';

// Streaming engines (espeak-ng --stdout) write a placeholder data size, so sizes at or above this
// mean "until end of stream".
const STREAMING_SIZE_FLOOR = 0x7fff0000;

/**
 * Incremental RIFF/WAVE reader for engine output piped through stdout.
 * Hand-rolled because the engines stream: we must emit frames before the file is complete,
 * which whole-buffer WAV parsers cannot do. Accepts PCM16 mono only (what both engines write).
 */
export class WavStreamDecoder {
  private header = Buffer.alloc(0);
  private chunker: Reframer | undefined;
  private dataRemaining = Infinity;
  private oddByte: number | undefined;

  constructor(private readonly source: string) {}

  get sampleRateHz(): number | undefined {
    return this.chunker?.sampleRateHz;
  }

  push(bytes: Uint8Array): AudioFrame[] {
    if (!this.chunker) {
      this.header = Buffer.concat([this.header, bytes]);
      const rest = this.parseHeader();
      if (!rest) return [];
      return this.pushData(rest);
    }
    return this.pushData(bytes);
  }

  end(): AudioFrame[] {
    if (!this.chunker) throw this.bad('output ended before the WAV header was complete');
    const last = this.chunker.flush();
    return last ? [last] : [];
  }

  private pushData(bytes: Uint8Array): AudioFrame[] {
    const chunker = this.chunker;
    if (!chunker || this.dataRemaining <= 0) return [];
    let data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (data.length > this.dataRemaining) data = data.subarray(0, this.dataRemaining);
    this.dataRemaining -= data.length;
    if (this.oddByte !== undefined) {
      data = Buffer.concat([Buffer.from([this.oddByte]), data]);
      this.oddByte = undefined;
    }
    if (data.length % 2 === 1) {
      this.oddByte = data[data.length - 1];
      data = data.subarray(0, data.length - 1);
    }
    const samples = new Int16Array(data.length / 2);
    for (let i = 0; i < samples.length; i++) samples[i] = data.readInt16LE(i * 2);
    return chunker.push(samples);
  }

  /** Returns the bytes after the data-chunk header once the header is complete, else undefined. */
  private parseHeader(): Buffer | undefined {
    const buf = this.header;
    if (buf.length < 12) return undefined;
    if (buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WAVE') {
      throw this.bad('output is not a RIFF/WAVE stream');
    }
    let offset = 12;
    let rateHz: number | undefined;
    for (;;) {
      if (buf.length < offset + 8) return undefined;
      const id = buf.toString('latin1', offset, offset + 4);
      const size = buf.readUInt32LE(offset + 4);
      const body = offset + 8;
      if (id === 'data') {
        if (rateHz === undefined) throw this.bad('WAV data chunk before fmt chunk');
        this.chunker = new Reframer(rateHz);
        this.dataRemaining = size >= STREAMING_SIZE_FLOOR ? Infinity : size;
        this.header = Buffer.alloc(0);
        return buf.subarray(body);
      }
      if (buf.length < body + size) return undefined;
      if (id === 'fmt ') {
        const format = buf.readUInt16LE(body);
        const channels = buf.readUInt16LE(body + 2);
        const bits = buf.readUInt16LE(body + 14);
        if (format !== 1 || channels !== 1 || bits !== 16) {
          throw this.bad(`expected PCM16 mono, got format ${format}, ${channels} channel(s), ${bits} bit`);
        }
        rateHz = buf.readUInt32LE(body + 4);
      }
      offset = body + size + (size % 2);
    }
  }

  private bad(message: string): SynthesisError {
    return new SynthesisError('bad_output', `${this.source}: ${message}`);
  }
}
