/**
 * The slice of sherpa-onnx-node (a CommonJS N-API addon shipped without types) that the
 * local recognizer uses. Shapes follow the package's own JSDoc typedefs in types.js.
 */
declare module 'sherpa-onnx-node' {
  export interface OfflineRecognizerConfig {
    featConfig?: { sampleRate?: number; featureDim?: number };
    modelConfig?: {
      senseVoice?: { model?: string; language?: string; useInverseTextNormalization?: number };
      whisper?: { encoder?: string; decoder?: string; language?: string; task?: string; tailPaddings?: number };
      tokens?: string;
      numThreads?: number;
      debug?: boolean | number;
      provider?: string;
    };
  }
  export interface OfflineRecognizerResult {
    text: string;
    lang?: string;
    timestamps?: number[];
  }
  export class OfflineStream {
    acceptWaveform(waveform: { samples: Float32Array; sampleRate: number }): void;
  }
  export class OfflineRecognizer {
    static createAsync(config: OfflineRecognizerConfig): Promise<OfflineRecognizer>;
    createStream(): OfflineStream;
    decodeAsync(stream: OfflineStream): Promise<OfflineRecognizerResult>;
  }
}
