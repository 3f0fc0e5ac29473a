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

export interface EngineRunOptions {
  /** Name used in error messages. */
  readonly engine: string;
  readonly stdinText: string;
  readonly signal?: AbortSignal;
}

export interface SupervisedProcess {
  /** Resolves on exit code 0; rejects with a typed error otherwise (AbortError when aborted). */
  readonly done: Promise<void>;
  /** Kills the child if it still runs and detaches the abort listener. Idempotent. */
  release(): void;
}

// Engines may print warnings per sentence; keep only the head for error messages.
const STDERR_KEEP_CHARS = 2048;

/** Feeds the child its text, kills it on abort, and turns how it ended into a typed result. */
export function superviseEngineProcess(child: ChildProcessWithoutNullStreams, opts: EngineRunOptions): SupervisedProcess {
  const { signal, engine } = opts;
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < STDERR_KEEP_CHARS) stderr += chunk.toString('utf8');
  });
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  signal?.addEventListener('abort', kill, { once: true });
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(signal?.aborted ? new SynthesisAbortedError() : spawnError(engine, error)),
    );
    child.once('close', (code: number | null) => {
      if (signal?.aborted) reject(new SynthesisAbortedError());
      else if (code === 0) resolve();
      else reject(new SynthesisError('engine_failed', `${engine} exited with code ${String(code)}: ${firstLine(stderr)}`));
    });
  });
  // Callers may stop listening early; never leave an unhandled rejection behind.
  done.catch(() => {});
  // A child that dies early closes stdin under us; the exit code tells the real story.
  child.stdin.on('error', () => {});
  if (signal?.aborted) kill();
  else child.stdin.end(opts.stdinText);
  return {
    done,
    release: () => {
      signal?.removeEventListener('abort', kill);
      kill();
    },
  };
}

/** Streams the WAV an engine writes on stdout as 20 ms frames (espeak-ng --stdout). */
export async function* framesFromEngineStdout(child: ChildProcessWithoutNullStreams, opts: EngineRunOptions): AsyncGenerator<AudioFrame> {
  const { signal } = opts;
  const supervised = superviseEngineProcess(child, opts);
  try {
    const decoder = new WavStreamDecoder(opts.engine);
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      for (const frame of decoder.push(chunk)) {
        if (signal?.aborted) throw new SynthesisAbortedError();
        yield frame;
      }
    }
    await supervised.done;
    if (signal?.aborted) throw new SynthesisAbortedError();
    for (const frame of decoder.end()) yield frame;
  } finally {
    supervised.release();
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

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? 'no error output';
  return line.trim().slice(0, 200);
}
