import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RecognizerError } from '../recognizer';

/** The Japanese-capable model families this adapter can drive, found by their file names. */
export type ModelFiles =
  | { readonly kind: 'sense-voice'; readonly model: string; readonly tokens: string }
  | { readonly kind: 'whisper'; readonly encoder: string; readonly decoder: string; readonly tokens: string };

const HOW_TO_GET_ONE = 'run scripts/download-model.sh (needs internet once) and point the recognizer modelDir at the folder it prints';

/**
 * Looks in `modelDir` for a SenseVoice export (model[.int8].onnx + tokens.txt) or a Whisper
 * export (<name>-encoder[.int8].onnx, <name>-decoder[.int8].onnx, <name>-tokens.txt).
 * Throws a non-retryable 'model-missing' error that says what to do.
 */
export function findModelFiles(modelDir: string): ModelFiles {
  if (!existsSync(modelDir)) {
    throw new RecognizerError('model-missing', `local speech model folder ${modelDir} does not exist: ${HOW_TO_GET_ONE}`);
  }
  const names = readdirSync(modelDir);
  const has = (name: string): boolean => names.includes(name);

  const senseVoice = ['model.int8.onnx', 'model.onnx'].find(has);
  if (senseVoice && has('tokens.txt')) {
    return { kind: 'sense-voice', model: join(modelDir, senseVoice), tokens: join(modelDir, 'tokens.txt') };
  }

  // Prefer int8 exports: a quarter of the memory for a small accuracy cost.
  const encoder = names.find((n) => n.endsWith('-encoder.int8.onnx')) ?? names.find((n) => n.endsWith('-encoder.onnx'));
  if (encoder) {
    const prefix = encoder.slice(0, encoder.indexOf('-encoder'));
    const decoder = [`${prefix}-decoder.int8.onnx`, `${prefix}-decoder.onnx`].find(has);
    const tokens = `${prefix}-tokens.txt`;
    if (decoder && has(tokens)) {
      return {
        kind: 'whisper',
        encoder: join(modelDir, encoder),
        decoder: join(modelDir, decoder),
        tokens: join(modelDir, tokens),
      };
    }
  }
  throw new RecognizerError(
    'model-missing',
    `no SenseVoice or Whisper model files in ${modelDir} (expected model.int8.onnx + tokens.txt, or *-encoder/-decoder/-tokens): ${HOW_TO_GET_ONE}`,
  );
}
