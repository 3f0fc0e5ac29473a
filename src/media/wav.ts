import { open, writeFile } from 'node:fs/promises';
import { decodeG711 } from './g711';
import { AizuchiError } from '../domain/errors';

/** Decoded WAV audio: one PCM16 array per channel (stereo recordings: caller left, agent right). */
export interface WavAudio {
  readonly sampleRateHz: number;
  readonly channels: readonly Int16Array[];
}

export class WavError extends AizuchiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'invalid_wav', cause: options?.cause });
  }
}

/** Size of the canonical PCM WAV header written by wavHeader()/encodeWav(). */
export const WAV_HEADER_BYTES = 44;

const FORMAT_PCM = 1;
const FORMAT_ALAW = 6;
const FORMAT_MULAW = 7;
const FORMAT_EXTENSIBLE = 0xfffe;
const FORMAT_NAMES: Record<number, string> = { 2: 'ADPCM', 3: 'IEEE float', 0x11: 'IMA ADPCM', 0x55: 'MP3' };

function fourCC(view: DataView, offset: number): string {
  return String.fromCharCode(view.getUint8(offset), view.getUint8(offset + 1), view.getUint8(offset + 2), view.getUint8(offset + 3));
}

interface FmtChunk {
  format: number;
  channelCount: number;
  sampleRateHz: number;
  bitsPerSample: number;
}

function parseFmt(view: DataView, offset: number, size: number): FmtChunk {
  if (size < 16) throw new WavError('WAV fmt chunk is truncated');
  let format = view.getUint16(offset, true);
  if (format === FORMAT_EXTENSIBLE && size >= 26) format = view.getUint16(offset + 24, true); // sub-format GUID
  return {
    format,
    channelCount: view.getUint16(offset + 2, true),
    sampleRateHz: view.getUint32(offset + 4, true),
    bitsPerSample: view.getUint16(offset + 14, true),
  };
}

/**
 * Parses a WAV file held in memory. Accepts PCM16 (any rate, any channel count) and, because phone
 * recordings often come that way, 8-bit G.711 μ-law/A-law, which is expanded to PCM16.
 */
export function parseWav(bytes: Uint8Array): WavAudio {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12 || fourCC(view, 0) !== 'RIFF' || fourCC(view, 8) !== 'WAVE') {
    throw new WavError('not a WAV file (missing RIFF/WAVE header)');
  }
  let fmt: FmtChunk | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = fourCC(view, offset);
    const declared = view.getUint32(offset + 4, true);
    const body = offset + 8;
    // Streaming writers leave sizes at 0 or 0xFFFFFFFF; trust what is actually there.
    const size = Math.min(declared, bytes.length - body);
    if (id === 'fmt ') fmt = parseFmt(view, body, size);
    if (id === 'data') {
      if (!fmt) throw new WavError('WAV data chunk comes before its fmt chunk');
      return decodeData(fmt, bytes.subarray(body, body + (declared === 0 ? bytes.length - body : size)));
    }
    offset = body + size + (size % 2); // chunks are word-aligned
  }
  throw new WavError(fmt ? 'WAV file has no data chunk' : 'WAV file has no fmt chunk');
}

function decodeData(fmt: FmtChunk, data: Uint8Array): WavAudio {
  const { format, channelCount, sampleRateHz, bitsPerSample } = fmt;
  if (channelCount < 1) throw new WavError('WAV file declares zero channels');
  if (sampleRateHz < 1000 || sampleRateHz > 192000) throw new WavError(`unsupported WAV sample rate ${sampleRateHz} Hz`);
  const isG711 = (format === FORMAT_MULAW || format === FORMAT_ALAW) && bitsPerSample === 8;
  if (!isG711 && !(format === FORMAT_PCM && bitsPerSample === 16)) {
    const name = FORMAT_NAMES[format] ?? (format === FORMAT_PCM ? `${bitsPerSample}-bit PCM` : `format ${format}`);
    throw new WavError(`unsupported WAV encoding: ${name} (need 16-bit PCM or 8-bit G.711)`);
  }
  const bytesPerSample = bitsPerSample / 8;
  const frameCount = Math.floor(data.length / (bytesPerSample * channelCount));
  const channels = Array.from({ length: channelCount }, () => new Int16Array(frameCount));
  if (isG711) {
    const decoded = decodeG711(format === FORMAT_MULAW ? 'mulaw' : 'alaw', data.subarray(0, frameCount * channelCount)).samples;
    for (let i = 0; i < frameCount; i++) {
      for (let c = 0; c < channelCount; c++) (channels[c] as Int16Array)[i] = decoded[i * channelCount + c] ?? 0;
    }
  } else {
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    for (let i = 0; i < frameCount; i++) {
      for (let c = 0; c < channelCount; c++) (channels[c] as Int16Array)[i] = view.getInt16((i * channelCount + c) * 2, true);
    }
  }
  return { sampleRateHz, channels };
}

/**
 * The canonical 44-byte header of a PCM16 WAV file holding `dataBytes` of interleaved audio.
 * Shared by the whole-file encoder below and the incremental call-recording writer, which rewrites
 * it after every flush.
 */
export function wavHeader(sampleRateHz: number, channelCount: number, dataBytes: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(WAV_HEADER_BYTES);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string) => {
    for (let i = 0; i < text.length; i++) view.setUint8(offset + i, text.charCodeAt(i));
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, FORMAT_PCM, true);
  view.setUint16(22, channelCount, true);
  view.setUint32(24, sampleRateHz, true);
  view.setUint32(28, sampleRateHz * channelCount * 2, true);
  view.setUint16(32, channelCount * 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  return bytes;
}

/** Encodes PCM16 channels (all the same length) as a canonical 44-byte-header WAV file. */
export function encodeWav(audio: WavAudio): Uint8Array<ArrayBuffer> {
  const { sampleRateHz, channels } = audio;
  const channelCount = channels.length;
  if (channelCount < 1) throw new WavError('cannot write a WAV file with no channels');
  const frameCount = channels[0]?.length ?? 0;
  if (channels.some((c) => c.length !== frameCount)) throw new WavError('all WAV channels must have the same length');
  if (!Number.isInteger(sampleRateHz) || sampleRateHz < 1000) throw new WavError(`invalid sample rate ${sampleRateHz} Hz`);
  const dataBytes = frameCount * channelCount * 2;
  const bytes = new Uint8Array(WAV_HEADER_BYTES + dataBytes);
  bytes.set(wavHeader(sampleRateHz, channelCount, dataBytes));
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < frameCount; i++) {
    for (let c = 0; c < channelCount; c++) view.setInt16(WAV_HEADER_BYTES + (i * channelCount + c) * 2, channels[c]?.[i] ?? 0, true);
  }
  return bytes;
}

/** Averages all channels into one (for analysis such as DTMF detection on a stereo recording). */
export function downmixToMono(audio: WavAudio): Int16Array {
  const [first, ...rest] = audio.channels;
  if (!first) return new Int16Array(0);
  if (rest.length === 0) return first;
  const out = new Int16Array(first.length);
  for (let i = 0; i < first.length; i++) {
    let sum = first[i] ?? 0;
    for (const channel of rest) sum += channel[i] ?? 0;
    out[i] = Math.round(sum / audio.channels.length);
  }
  return out;
}

/** Reads and parses a WAV file; a missing or unreadable file is a WavError naming the path. */
export async function readWavFile(path: string, opts: { maxBytes?: number } = {}): Promise<WavAudio> {
  const maxBytes = opts.maxBytes ?? MAX_WAV_FILE_BYTES;
  let bytes: Uint8Array;
  try {
    bytes = await readAtMost(path, maxBytes);
  } catch (err) {
    if (err instanceof WavError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new WavError(code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path} (${code ?? 'unknown error'})`);
  }
  return parseWav(bytes);
}

/** What readWavFile reads at most by default (about 23 minutes of 16-bit stereo at 48 kHz). */
export const MAX_WAV_FILE_BYTES = 256 * 1024 * 1024;

/**
 * Reads a file but never more than `maxBytes`, so a device or pipe that never ends (`/dev/zero`)
 * is an error instead of a read that runs until memory is gone (issue 7, finding 10).
 */
async function readAtMost(path: string, maxBytes: number): Promise<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1024 * 1024, maxBytes + 1 - total));
      const { bytesRead } = await file.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) return Buffer.concat(chunks, total);
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes)
        throw new WavError(`larger than ${Math.floor(maxBytes / (1024 * 1024))} MiB or never ends; not a WAV file to read`);
    }
  } finally {
    await file.close();
  }
}

/** Writes `audio` to `path` as a canonical PCM16 WAV file (overwrites). */
export async function writeWavFile(path: string, audio: WavAudio): Promise<void> {
  await writeFile(path, encodeWav(audio));
}
