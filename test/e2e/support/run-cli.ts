import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root, where `bin/aizuchi.mjs` lives. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Only what a user's shell would pass plus the given settings: no AIZUCHI_* or PORT leaks in from
 * the test runner's environment.
 */
export function cliEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG']) if (process.env[key] !== undefined) base[key] = process.env[key];
  return { ...base, ...settings };
}

/** Starts `node bin/aizuchi.mjs …` as a real child process; stdin is closed unless `stdin: 'pipe'`. */
export function spawnCli(args: string[], settings: Record<string, string>, opts: { stdin?: 'ignore' | 'pipe' } = {}): ChildProcess {
  return spawn(process.execPath, ['bin/aizuchi.mjs', ...args], {
    cwd: REPO_ROOT,
    env: cliEnv(settings),
    stdio: [opts.stdin ?? 'ignore', 'pipe', 'pipe'],
  });
}

/**
 * Runs the CLI to completion and collects its output. `killAfterMs` SIGKILLs a command expected to
 * exit by itself that did not (a `serve` that should have refused to start), so the test fails on its
 * assertions (`code: null`) instead of hanging.
 */
export function runCli(args: string[], settings: Record<string, string>, opts: { killAfterMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, settings);
    if (opts.killAfterMs !== undefined) {
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs);
      child.once('close', () => clearTimeout(timer));
    }
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
