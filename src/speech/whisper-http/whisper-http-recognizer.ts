import { BufferedRecognizerStream, type UtteranceRequest } from '../buffered-stream';
import { checkStartOptions, samplesToMs } from '../recognizer-input';
import { RecognizerError, type Hypothesis, type Recognizer, type RecognizerStartOptions, type RecognizerStream } from '../recognizer';
import { classifyHttpFailure } from './http-errors';
import { encodeWav } from '../../media/wav';
import { isWhisperSilencePhrase } from '../silence-phrases';
import type { Lang } from '../../domain/lang';

export interface WhisperHttpOptions {
  /** Server root, e.g. https://api.openai.com or http://localhost:8000; /v1/audio/transcriptions is appended. */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer`; local servers often need none. */
  readonly apiKey?: string;
  /** Default whisper-1. */
  readonly model?: string;
  /** verbose_json gives segment times; some servers and models (gpt-4o-*) only speak json. Default json. */
  readonly responseFormat?: 'json' | 'verbose_json';
  /** Default 30 000. */
  readonly requestTimeoutMs?: number;
  readonly fetch?: typeof fetch;
}

interface TranscriptionBody {
  text?: unknown;
  segments?: unknown;
}

/**
 * Any OpenAI-compatible transcription endpoint (OpenAI, faster-whisper servers, LocalAI …).
 * Not streaming by nature: the utterance is buffered and posted at end(), one final comes back.
 */
export class WhisperHttpRecognizer implements Recognizer {
  private readonly endpoint: URL;

  constructor(private readonly options: WhisperHttpOptions) {
    let base: URL;
    try {
      base = new URL(options.baseUrl);
    } catch (cause) {
      throw new RecognizerError('bad-config', 'whisper-http baseUrl is not a valid URL', { cause });
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new RecognizerError('bad-config', 'whisper-http baseUrl must be http or https');
    }
    this.endpoint = new URL(`${base.pathname.replace(/\/+$/, '')}/v1/audio/transcriptions`, base);
  }

  start(opts: RecognizerStartOptions): RecognizerStream {
    checkStartOptions(opts);
    return new BufferedRecognizerStream(opts, (request) => this.transcribe(request));
  }

  private async transcribe(request: UtteranceRequest): Promise<Hypothesis[]> {
    const { samples, sampleRateHz, opts } = request;
    const responseFormat = this.options.responseFormat ?? 'json';
    const form = new FormData();
    form.append('file', new Blob([encodeWav({ sampleRateHz, channels: [samples] })], { type: 'audio/wav' }), 'utterance.wav');
    form.append('model', this.options.model ?? 'whisper-1');
    form.append('language', opts.lang);
    form.append('response_format', responseFormat);
    if (opts.hints && opts.hints.length > 0) {
      // Whisper has no keyword list; a prompt with the expected words biases it the same way.
      form.append('prompt', opts.hints.join(opts.lang === 'ja' ? '、' : ', '));
    }

    const timeoutMs = this.options.requestTimeoutMs ?? 30_000;
    const signal = AbortSignal.any([request.signal, AbortSignal.timeout(timeoutMs)]);
    const doFetch = this.options.fetch ?? fetch;
    let response: Response;
    let body: string;
    try {
      response = await doFetch(this.endpoint, {
        method: 'POST',
        body: form,
        signal,
        headers: this.options.apiKey ? { Authorization: `Bearer ${this.options.apiKey}` } : {},
      });
      body = await response.text();
    } catch (cause) {
      if (request.signal.aborted) return [];
      if (signal.aborted) {
        throw new RecognizerError('timeout', `transcription took longer than ${timeoutMs} ms`, { cause });
      }
      throw new RecognizerError('network', 'could not reach the transcription endpoint', { cause });
    }
    if (!response.ok) throw classifyHttpFailure(response.status, body);
    return toHypotheses(parseBody(body), samplesToMs(samples.length, sampleRateHz), opts.lang);
  }
}

function parseBody(body: string): TranscriptionBody {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null) return parsed as TranscriptionBody;
  } catch (cause) {
    throw new RecognizerError('protocol', 'transcription endpoint answered with something that is not JSON', { cause });
  }
  throw new RecognizerError('protocol', 'transcription endpoint answered with a JSON value that is not an object');
}

function toHypotheses(body: TranscriptionBody, audioMs: number, lang: Lang): Hypothesis[] {
  if (typeof body.text !== 'string') {
    throw new RecognizerError('protocol', 'transcription response has no text field');
  }
  const text = body.text.trim();
  if (text === '' || isWhisperSilencePhrase(text, lang)) return [];
  const times = segmentTimes(body.segments, audioMs);
  return [{ text, isFinal: true, startMs: times.startMs, endMs: times.endMs }];
}

/** verbose_json segments say where speech was; otherwise the whole utterance is the span. */
function segmentTimes(segments: unknown, audioMs: number): { startMs: number; endMs: number } {
  if (!Array.isArray(segments) || segments.length === 0) return { startMs: 0, endMs: audioMs };
  const first: unknown = segments[0];
  const last: unknown = segments[segments.length - 1];
  const seconds = (segment: unknown, key: 'start' | 'end'): number | undefined => {
    if (typeof segment !== 'object' || segment === null) return undefined;
    const value = (segment as Record<string, unknown>)[key];
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
  };
  const startSec = seconds(first, 'start');
  const endSec = seconds(last, 'end');
  const startMs = startSec === undefined ? 0 : Math.round(startSec * 1000);
  const endMs = endSec === undefined ? audioMs : Math.round(endSec * 1000);
  return { startMs, endMs: Math.max(startMs, endMs) };
}
