import { DeepgramRecognizer } from './deepgram/deepgram-recognizer';
import { RecognizerError, type Recognizer, type RecognizerConfig, type RecognizerEngine } from './recognizer';
import { SherpaOnnxRecognizer } from './sherpa-onnx/sherpa-onnx-recognizer';
import { WhisperHttpRecognizer } from './whisper-http/whisper-http-recognizer';

export type { RecognizerConfig, RecognizerEngine } from './recognizer';

/** Where scripts/download-model.sh puts the default SenseVoice model (relative to the working directory). */
export const DEFAULT_LOCAL_MODEL_DIR = 'data/models/sherpa-onnx-sense-voice-zh-en-ja-ko-yue-2024-07-17';

type Factory = (config: RecognizerConfig) => Recognizer;

/** The one place that knows every engine; adding one = a folder plus a line here. */
const FACTORIES: Record<Exclude<RecognizerEngine, 'none'>, Factory> = {
  'whisper-http': (config) => {
    if (!config.baseUrl && !config.apiKey) {
      throw new RecognizerError(
        'bad-config',
        'whisper-http needs a baseUrl (your own server) or an apiKey (OpenAI at https://api.openai.com)',
      );
    }
    return new WhisperHttpRecognizer({
      baseUrl: config.baseUrl ?? 'https://api.openai.com',
      ...(config.apiKey ? { apiKey: config.apiKey } : {}),
      ...(config.model ? { model: config.model } : {}),
    });
  },
  deepgram: (config) =>
    new DeepgramRecognizer({
      apiKey: config.apiKey ?? '',
      ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
      ...(config.model ? { model: config.model } : {}),
    }),
  local: (config) => new SherpaOnnxRecognizer({ modelDir: config.modelDir ?? DEFAULT_LOCAL_MODEL_DIR }),
};

/**
 * Builds the configured recognizer; `none` gives null (text and keypad only).
 * Throws RecognizerError('bad-config') for an unknown engine or missing settings. Touches
 * no network and no disk: call `ready()` on a local recognizer to check its model at boot.
 */
export function createRecognizer(config: RecognizerConfig): Recognizer | null {
  if (config.engine === 'none') return null;
  const factory = Object.hasOwn(FACTORIES, config.engine) ? FACTORIES[config.engine] : undefined;
  if (!factory) throw new RecognizerError('bad-config', `unknown recognizer engine: ${String(config.engine)}`);
  return factory(config);
}
