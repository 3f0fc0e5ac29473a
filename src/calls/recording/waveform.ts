import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { WAV_HEADER_BYTES } from '../../media/wav';

/** A recording drawn small: per bucket, the loudest sample of each side as a share of full scale (0..1, 3 decimals). */
export interface WaveformPeaks {
  durationMs: number;
  /** Left channel (the caller), then right (the agent), `buckets` values each. */
  caller: number[];
  agent: number[];
}

const FRAME_BYTES = 4; // PCM16 stereo: caller, agent

/**
 * Peaks of a stereo PCM16 recording (stereo-wav-writer.ts: canonical 44-byte header, caller left,
 * agent right), read as a stream so a long call never sits in memory. `buckets` columns (default
 * 480) over the whole length; a recording shorter than that gives one column per sample pair.
 * Null when the file is not such a WAV (or is gone).
 */
export async function waveformPeaks(path: string, buckets = 480): Promise<WaveformPeaks | null> {
  let header: Buffer;
  try {
    const file = await open(path, 'r');
    try {
      header = Buffer.alloc(WAV_HEADER_BYTES);
      const { bytesRead } = await file.read(header, 0, WAV_HEADER_BYTES, 0);
      if (bytesRead < WAV_HEADER_BYTES) return null;
    } finally {
      await file.close();
    }
  } catch {
    return null;
  }
  if (header.toString('ascii', 0, 4) !== 'RIFF' || header.readUInt16LE(22) !== 2 || header.readUInt16LE(34) !== 16) return null;
  const rate = header.readUInt32LE(24);
  const frames = Math.floor(header.readUInt32LE(40) / FRAME_BYTES);
  const columns = Math.max(1, Math.min(buckets, frames));
  const caller = new Array<number>(columns).fill(0);
  const agent = new Array<number>(columns).fill(0);
  let frame = 0;
  let carry: Buffer = Buffer.alloc(0);
  const stream = createReadStream(path, { start: WAV_HEADER_BYTES, end: WAV_HEADER_BYTES + frames * FRAME_BYTES - 1 });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const data = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const whole = data.length - (data.length % FRAME_BYTES);
    for (let at = 0; at < whole; at += FRAME_BYTES, frame++) {
      const column = Math.min(columns - 1, Math.floor((frame * columns) / Math.max(1, frames)));
      const left = Math.abs(data.readInt16LE(at));
      const right = Math.abs(data.readInt16LE(at + 2));
      if (left > caller[column]!) caller[column] = left;
      if (right > agent[column]!) agent[column] = right;
    }
    carry = data.subarray(whole);
  }
  const share = (v: number) => Math.round((v / 32768) * 1000) / 1000;
  return { durationMs: rate > 0 ? Math.round((frames / rate) * 1000) : 0, caller: caller.map(share), agent: agent.map(share) };
}
