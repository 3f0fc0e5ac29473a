import type { AudioFrame } from '../media/frame';
import { isLang } from '../domain/lang';
import { RecognizerError, type RecognizerStartOptions } from './recognizer';

/** Shared checks so every engine rejects bad input the same way (the conformance suite relies on it). */
export function checkStartOptions(opts: RecognizerStartOptions): void {
  if (!isLang(opts.lang)) {
    throw new RecognizerError('bad-input', `unsupported language: ${String(opts.lang)}`);
  }
  const rate = opts.sampleRateHz;
  if (!Number.isInteger(rate) || rate < 8000 || rate > 48000) {
    throw new RecognizerError('bad-input', `sampleRateHz must be an integer from 8000 to 48000, got ${String(rate)}`);
  }
}

export function checkFrame(frame: AudioFrame, sampleRateHz: number): void {
  if (!(frame.samples instanceof Int16Array)) {
    throw new RecognizerError('bad-input', 'frame.samples must be an Int16Array');
  }
  if (frame.sampleRateHz !== sampleRateHz) {
    throw new RecognizerError('bad-input', `frame is ${frame.sampleRateHz} Hz but the stream was started at ${sampleRateHz} Hz`);
  }
}

export function streamClosedError(): RecognizerError {
  return new RecognizerError('bad-input', 'write() after end(): the recognizer stream is closed');
}

/** Milliseconds of audio in `sampleCount` samples. */
export function samplesToMs(sampleCount: number, sampleRateHz: number): number {
  return Math.round((sampleCount * 1000) / sampleRateHz);
}
