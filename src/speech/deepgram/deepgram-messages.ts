import { RecognizerError, type Hypothesis } from '../recognizer';

/**
 * Reading Deepgram's live (/v1/listen) server messages. Only `Results` carries text;
 * Metadata, SpeechStarted and UtteranceEnd are informational here.
 */
export type ServerMessage = { readonly kind: 'hypothesis'; readonly hypothesis: Hypothesis } | { readonly kind: 'ignored' };

export function parseServerMessage(raw: string): ServerMessage {
  let message: unknown;
  try {
    message = JSON.parse(raw);
  } catch (cause) {
    throw new RecognizerError('protocol', 'Deepgram sent a text frame that is not JSON', { cause });
  }
  if (typeof message !== 'object' || message === null) {
    throw new RecognizerError('protocol', 'Deepgram sent a JSON value that is not an object');
  }
  const record = message as Record<string, unknown>;
  if (record.type !== 'Results') return { kind: 'ignored' };

  const alternative = firstAlternative(record.channel);
  if (!alternative || typeof alternative.transcript !== 'string') {
    throw new RecognizerError('protocol', 'Deepgram Results message has no channel.alternatives[0].transcript');
  }
  const text = alternative.transcript.trim();
  if (text === '') return { kind: 'ignored' }; // silence: Deepgram sends empty results
  const startSec = seconds(record.start);
  const durationSec = seconds(record.duration);
  const isFinal = record.is_final === true;
  const confidence = alternative.confidence;
  return {
    kind: 'hypothesis',
    hypothesis: {
      text,
      isFinal,
      startMs: Math.round(startSec * 1000),
      endMs: Math.round((startSec + durationSec) * 1000),
      ...(typeof confidence === 'number' && confidence >= 0 && confidence <= 1 ? { confidence } : {}),
      ...(isFinal && record.speech_final === true ? { endOfSpeech: true } : {}),
    },
  };
}

function firstAlternative(channel: unknown): { transcript?: unknown; confidence?: unknown } | undefined {
  if (typeof channel !== 'object' || channel === null) return undefined;
  const alternatives = (channel as { alternatives?: unknown }).alternatives;
  if (!Array.isArray(alternatives)) return undefined;
  const first: unknown = alternatives[0];
  return typeof first === 'object' && first !== null ? (first as { transcript?: unknown }) : undefined;
}

function seconds(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

/** Handshake refusals (HTTP status before the upgrade). */
export function classifyHandshakeStatus(status: number, detail: string): RecognizerError {
  const message = `Deepgram refused the connection with HTTP ${status}${detail ? `: ${detail}` : ''}`;
  if (status === 401 || status === 403) return new RecognizerError('auth', message, { status });
  if (status === 404) return new RecognizerError('bad-config', message, { status });
  if (status === 408) return new RecognizerError('timeout', message, { status });
  if (status === 429) return new RecognizerError('rate-limited', message, { status });
  if (status >= 500) return new RecognizerError('unavailable', message, { status });
  return new RecognizerError('bad-request', message, { status }); // 400: bad query parameters
}

/** Close frames that end a stream we did not finish. Deepgram puts its error code in the reason. */
export function classifyClose(code: number, reason: string): RecognizerError {
  const message = `Deepgram closed the stream (${code}${reason ? ` ${reason}` : ''})`;
  // 1008: DATA-0000, the payload could not be decoded as audio; sending it again won't help.
  if (code === 1008) return new RecognizerError('bad-request', message, { status: code });
  // 1011: NET-0000/NET-0001, server-side error or no audio received in time.
  if (code === 1011) return new RecognizerError('unavailable', message, { status: code });
  return new RecognizerError('network', message, { status: code });
}
