import { RecognizerError } from '../recognizer';

/** Maps an OpenAI-style HTTP failure to a classified RecognizerError (no retrying here). */
export function classifyHttpFailure(status: number, body: string): RecognizerError {
  const detail = errorDetail(body);
  const message = `transcription endpoint answered HTTP ${status}${detail.message ? `: ${detail.message}` : ''}`;
  if (status === 401 || status === 403) return new RecognizerError('auth', message, { status });
  if (status === 404) return new RecognizerError('bad-config', message, { status }); // wrong base URL or model
  if (status === 408) return new RecognizerError('timeout', message, { status });
  if (status === 429) {
    // OpenAI also answers 429 when the account is out of credit; waiting won't fix that.
    const outOfQuota = detail.code === 'insufficient_quota';
    return new RecognizerError(outOfQuota ? 'auth' : 'rate-limited', message, { status, retryable: !outOfQuota });
  }
  if (status >= 500) return new RecognizerError('unavailable', message, { status });
  return new RecognizerError('bad-request', message, { status });
}

function errorDetail(body: string): { message?: string; code?: string } {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) {
      const error = (parsed as { error: unknown }).error;
      if (typeof error === 'object' && error !== null) {
        const { message, code } = error as { message?: unknown; code?: unknown };
        return {
          ...(typeof message === 'string' ? { message: message.slice(0, 200) } : {}),
          ...(typeof code === 'string' ? { code } : {}),
        };
      }
    }
  } catch {
    // not JSON: fall through with no detail
  }
  return {};
}
