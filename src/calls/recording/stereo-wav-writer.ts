import { open, type FileHandle } from 'node:fs/promises';
import { WAV_HEADER_BYTES, wavHeader } from '../../media/wav';
import { PRIVATE_FILE_MODE } from '../../store/private-files';
import { AizuchiError } from '../../domain/errors';

const HEADER_BYTES = WAV_HEADER_BYTES;
const CHANNELS = 2;
const BYTES_PER_SAMPLE = 2;

export class RecordingError extends AizuchiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'recording_io', cause: options?.cause });
  }
}

/** The canonical 44-byte PCM16 WAV header for `dataBytes` of stereo audio. */
export function stereoWavHeader(sampleRateHz: number, dataBytes: number): Buffer {
  return Buffer.from(wavHeader(sampleRateHz, CHANNELS, dataBytes).buffer);
}

export interface StereoWavWriterOptions {
  /** Audio buffered in memory before it is written; also how much a crash can lose. Default 1000 ms. */
  readonly flushEveryMs?: number;
}

/**
 * Writes a stereo PCM16 WAV incrementally (caller left, agent right). The header is rewritten with
 * the true sizes after every flush, so a crash leaves a playable file missing at most the last
 * unflushed second; repairWavHeader() fixes the rest on the next start.
 */
export class StereoWavWriter {
  private buffer: Buffer;
  /** `buffer` as samples (WAV is little-endian like every platform Node runs on, so a view writes it directly). */
  private view: Int16Array;
  private used = 0;
  private dataBytes = 0;
  private writing: Promise<void> = Promise.resolve();
  /**
   * Buffers whose write finished, for the next flush. Each flush used to allocate a fresh 64 KB
   * buffer: at 300 calls that is 19 MB/s of external memory on the thread that paces every call's
   * frames, and V8 answers external memory growth with full mark-compacts (one every 1-2 s, with
   * pauses that made ticks late). Two buffers per call cover the usual case (one filling, one on
   * its way to disk); a slow disk only makes more.
   */
  private readonly spare: Buffer[] = [];
  private failure: unknown;
  private closed = false;

  private constructor(
    private readonly file: FileHandle,
    readonly path: string,
    readonly sampleRateHz: number,
    private readonly flushBytes: number,
  ) {
    this.buffer = Buffer.alloc(flushBytes);
    this.view = new Int16Array(this.buffer.buffer, this.buffer.byteOffset, flushBytes >> 1);
  }

  static async create(path: string, sampleRateHz: number, options: StereoWavWriterOptions = {}): Promise<StereoWavWriter> {
    const flushMs = options.flushEveryMs ?? 1000;
    const flushBytes = Math.max(CHANNELS * BYTES_PER_SAMPLE, Math.round((sampleRateHz * flushMs) / 1000) * CHANNELS * BYTES_PER_SAMPLE);
    let file: FileHandle;
    try {
      // Never overwrite another call's recording; 0600: a recording is a person's voice.
      file = await open(path, 'wx', PRIVATE_FILE_MODE);
      await file.write(stereoWavHeader(sampleRateHz, 0), 0, HEADER_BYTES, 0);
    } catch (error) {
      throw new RecordingError(`cannot create recording ${path}`, { cause: error });
    }
    return new StereoWavWriter(file, path, sampleRateHz, flushBytes);
  }

  /** Audio written so far (including what is still buffered). */
  get durationMs(): number {
    return ((this.dataBytes + this.used) / (CHANNELS * BYTES_PER_SAMPLE) / this.sampleRateHz) * 1000;
  }

  /** Appends one stretch of both sides; null or a shorter side is padded with silence. */
  write(left: Int16Array | null, right: Int16Array | null): void {
    if (this.closed) return;
    const length = Math.max(left?.length ?? 0, right?.length ?? 0);
    let i = 0;
    while (i < length) {
      if (this.used >= this.buffer.length) void this.flush();
      const view = this.view;
      const at = this.used >> 2; // in sample pairs
      const pairs = Math.min(length - i, (view.length >> 1) - at);
      // Called every 20 ms for every call: plain loops over the sides present, no per-sample checks.
      interleave(view, at, left, i, pairs, 0);
      interleave(view, at, right, i, pairs, 1);
      i += pairs;
      this.used += pairs * 4;
    }
    if (this.used >= this.flushBytes) void this.flush();
  }

  /** Starts writing the buffered audio (writes are serialised); resolves when it is on disk. */
  flush(): Promise<void> {
    if (this.used > 0) {
      const full = this.buffer;
      const chunk = full.subarray(0, this.used);
      // Unpooled and not zeroed: write() fills every byte before flush() hands any of it on.
      this.buffer = this.spare.pop() ?? Buffer.allocUnsafeSlow(this.flushBytes);
      this.view = new Int16Array(this.buffer.buffer, this.buffer.byteOffset, this.flushBytes >> 1);
      this.used = 0;
      const offset = HEADER_BYTES + this.dataBytes;
      this.dataBytes += chunk.length;
      const total = this.dataBytes;
      this.writing = this.writing.then(async () => {
        if (this.failure) return;
        try {
          await this.file.write(chunk, 0, chunk.length, offset);
          await this.file.write(stereoWavHeader(this.sampleRateHz, total), 0, HEADER_BYTES, 0);
        } catch (error) {
          this.failure = error;
        }
        if (this.spare.length < 2) this.spare.push(full); // on disk (or failed): free to fill again
      });
    }
    return this.writing;
  }

  /** Flushes, fixes the header and closes the file. Throws RecordingError if any write failed. */
  async close(): Promise<{ path: string; durationMs: number }> {
    if (!this.closed) {
      this.closed = true;
      await this.flush();
      await this.file.sync().catch(() => undefined);
      await this.file.close();
    } else {
      await this.writing;
    }
    if (this.failure) throw new RecordingError(`writing recording ${this.path} failed`, { cause: this.failure });
    return { path: this.path, durationMs: (this.dataBytes / (CHANNELS * BYTES_PER_SAMPLE) / this.sampleRateHz) * 1000 };
  }
}

/** Writes `count` samples of `side` from `from` into every other slot of `view` (channel `channel`), or silence. */
function interleave(view: Int16Array, at: number, side: Int16Array | null, from: number, count: number, channel: 0 | 1): void {
  const available = side ? Math.max(0, Math.min(count, side.length - from)) : 0;
  let k = 0;
  if (side) for (; k < available; k++) view[2 * (at + k) + channel] = side[from + k] as number;
  for (; k < count; k++) view[2 * (at + k) + channel] = 0;
}

/**
 * Makes the header of a recording that was cut short (crash, kill) agree with the audio actually on
 * disk. Returns true when it changed something.
 */
export async function repairWavHeader(path: string): Promise<boolean> {
  const file = await open(path, 'r+');
  try {
    const { size } = await file.stat();
    if (size < HEADER_BYTES) return false;
    const header = Buffer.alloc(HEADER_BYTES);
    await file.read(header, 0, HEADER_BYTES, 0);
    if (header.toString('ascii', 0, 4) !== 'RIFF' || header.toString('ascii', 36, 40) !== 'data') return false;
    const sampleRateHz = header.readUInt32LE(24);
    const frameBytes = CHANNELS * BYTES_PER_SAMPLE;
    const dataBytes = Math.floor((size - HEADER_BYTES) / frameBytes) * frameBytes;
    if (header.readUInt32LE(40) === dataBytes && size === HEADER_BYTES + dataBytes) return false;
    await file.truncate(HEADER_BYTES + dataBytes); // a torn last sample pair would shift the channels
    await file.write(stereoWavHeader(sampleRateHz, dataBytes), 0, HEADER_BYTES, 0);
    return true;
  } finally {
    await file.close();
  }
}
