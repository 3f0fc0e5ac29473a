import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { AudioFrame } from '../../media/frame';
import { SynthesisAbortedError, SynthesisError } from '../synthesizer';
import { WavStreamDecoder } from './wav-stream-decoder';

/** The slice of `child_process.spawn` engines need; injected so tests can watch or fake processes. */
export type SpawnProcess = (
  command: string,
  args: readonly string[],
  options: { stdio: ['pipe', 'pipe', 'pipe'] },
) => ChildProcessWithoutNullStreams;

// Engines may print warnings per sentence; keep only the head for error messages.
const STDERR_KEEP_BYTES = 2048;

interface Exit {
  code: number | null;
  error?: NodeJS.ErrnoException;
}

/**
 * Streams the WAV an engine writes on stdout as 20 ms frames. Feeds `stdinText`, kills the child
 * on abort or when the consumer stops early, and turns exits into typed errors.
 */
export async function* framesFromEngineProcess(
  child: ChildProcessWithoutNullStreams,
  opts: { engine: string; stdinText: string; signal?: AbortSignal },
): AsyncGenerator<AudioFrame> {
  const { signal, engine } = opts;
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < STDERR_KEEP_BYTES) stderr += chunk.toString('utf8');
  });
  const exited = new Promise<Exit>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => resolve({ code: null, error }));
    child.once('close', (code: number | null) => resolve({ code }));
  });
  // A child that dies early closes stdin under us; the exit code tells the real story.
  child.stdin.on('error', () => {});
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  signal?.addEventListener('abort', kill, { once: true });
  let finished = false;
  try {
    if (signal?.aborted) throw new SynthesisAbortedError();
    child.stdin.end(opts.stdinText);
    const decoder = new WavStreamDecoder(engine);
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      if (signal?.aborted) throw new SynthesisAbortedError();
      for (const frame of decoder.push(chunk)) {
        yield frame;
        if (signal?.aborted) throw new SynthesisAbortedError();
      }
    }
    const exit = await exited;
    if (signal?.aborted) throw new SynthesisAbortedError();
    if (exit.error) throw spawnError(engine, exit.error);
    if (exit.code !== 0) {
      throw new SynthesisError('engine_failed', `${engine} exited with code ${String(exit.code)}: ${firstLine(stderr)}`);
    }
    for (const frame of decoder.end()) yield frame;
    finished = true;
  } finally {
    signal?.removeEventListener('abort', kill);
    if (!finished) kill();
  }
}

function spawnError(engine: string, error: NodeJS.ErrnoException): SynthesisError {
  if (error.code === 'ENOENT') {
    return new SynthesisError('engine_missing', `${engine} binary not found (is it installed and on PATH?)`, false, {
      cause: error,
    });
  }
  return new SynthesisError('engine_failed', `${engine} could not start: ${error.message}`, true, { cause: error });
}

// Engine warnings never contain the synthesized text beyond a character or two; still keep it short.
function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? 'no error output';
  return line.trim().slice(0, 200);
}
