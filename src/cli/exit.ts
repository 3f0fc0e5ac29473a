/**
 * Ending a command without losing output (issue 13, kind: output lost on exit).
 *
 * `process.exit` does not wait for stdout or stderr: when they are pipes, whatever Node still has
 * queued (anything past the pipe's 64 KiB buffer while the reader is slow) is dropped, so
 * `aizuchi cases list --json | slow-reader` got cut JSON. Every way the CLI ends goes through here.
 */

/** Resolves once everything written to `stream` so far has been handed to the OS (or it closed). */
export function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writableEnded || stream.writableLength === 0) return resolve();
    // An empty write's callback runs after every earlier chunk was flushed, in order.
    stream.once('close', () => resolve());
    stream.once('error', () => resolve()); // EPIPE: the reader went away; nothing left to wait for
    stream.write('', () => resolve());
  });
}

/**
 * Waits for stdout and stderr to drain, then exits with `code`. Exiting explicitly still matters:
 * services (database pools, timers) may hold the event loop open after a command is done.
 */
export async function exitAfterDrain(code: number): Promise<never> {
  process.exitCode = code;
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exit(code);
}
