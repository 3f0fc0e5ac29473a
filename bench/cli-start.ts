import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { summary } from './stats';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The commands issue 11 sets a start-time goal for (< 300 ms), and bare Node as the floor. */
const CASES: ReadonlyArray<{ label: string; args: string[] }> = [
  { label: 'node -e 0 (floor)', args: ['-e', '0'] },
  { label: 'aizuchi --help', args: ['bin/aizuchi.mjs', '--help'] },
  { label: 'aizuchi hours next', args: ['bin/aizuchi.mjs', 'hours', 'next', '--from', '2026-11-28T10:00:00+09:00'] },
];

export interface CliStartFigure {
  label: string;
  /** Wall time from spawn to exit, ms: p50 and p95 over `runs` starts. */
  p50: number;
  p95: number;
  runs: number;
}

/**
 * Start-to-exit wall time of the CLI, as a user sees it, through the package's bin (so including
 * its check that dist/ is fresh). One untimed run first builds dist/ if needed and warms the file
 * cache. Runs are sequential; a loaded machine inflates them, so the floor (bare Node) is printed
 * beside them. Throws if a command fails.
 */
export function benchCliStart(runs: number): CliStartFigure[] {
  const run = (args: string[]) => {
    const started = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH } });
    const ms = performance.now() - started;
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited with ${r.status}: ${r.stderr.toString()}`);
    return ms;
  };
  return CASES.map(({ label, args }) => {
    run(args);
    const times = Array.from({ length: runs }, () => run(args));
    return { label, ...summary(times, 0), runs };
  });
}
