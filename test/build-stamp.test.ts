import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './e2e/support/run-cli';

interface BuildStamp {
  STAMP_FILE: string;
  sourceState(root: string): { sources: Record<string, number> };
  isStale(root: string): boolean;
}
// A plain .mjs script (bin/aizuchi.mjs loads it before any TypeScript exists): loaded by URL, typed here.
const stamp = (await import(pathToFileURL(path.join(REPO_ROOT, 'scripts/build-stamp.mjs')).href)) as BuildStamp;

/**
 * The freshness check bin/aizuchi.mjs runs on every start (README "Build"): dist/ is rebuilt when
 * any source was edited, added, removed or put back with another time, and only then.
 */
describe('the build stamp', () => {
  let root: string;
  const write = (rel: string, text = '') => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };
  const stampNow = () => {
    fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
    fs.writeFileSync(path.join(root, 'dist', stamp.STAMP_FILE), JSON.stringify(stamp.sourceState(root)));
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-stamp-'));
    for (const rel of [
      'package.json',
      'scripts/build.mjs',
      'scripts/build-stamp.mjs',
      'src/cli/main.ts',
      'src/domain/calendar/calendar.ts',
    ])
      write(rel, `// ${rel}\n`);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('is stale without a stamp or with an older stamp format, fresh right after stamping', () => {
    expect(stamp.isStale(root)).toBe(true);
    write(`dist/${stamp.STAMP_FILE}`, JSON.stringify({ newestMtimeMs: 1, files: 5 }));
    expect(stamp.isStale(root)).toBe(true);
    stampNow();
    expect(stamp.isStale(root)).toBe(false);
    expect(Object.keys(stamp.sourceState(root).sources)).toEqual([
      'src',
      'src/cli',
      'src/cli/main.ts',
      'src/domain',
      'src/domain/calendar',
      'src/domain/calendar/calendar.ts',
      'package.json',
      'scripts/build.mjs',
      'scripts/build-stamp.mjs',
    ]);
  });

  it.each([
    ['an edited source', () => fs.appendFileSync(path.join(root, 'src/cli/main.ts'), 'export {};\n')],
    ['a source added deep in a folder', () => write('src/domain/calendar/holidays.ts')],
    ['a removed source', () => fs.rmSync(path.join(root, 'src/cli/main.ts'))],
    ['a new folder', () => fs.mkdirSync(path.join(root, 'src/settings'))],
    ['a source put back with an older time', () => fs.utimesSync(path.join(root, 'src/cli/main.ts'), 1_000_000, 1_000_000)],
    ['an edited package.json', () => fs.utimesSync(path.join(root, 'package.json'), 2_000_000, 2_000_000)],
  ])('is stale after %s', (_what, change) => {
    stampNow();
    change();
    expect(stamp.isStale(root)).toBe(true);
  });

  it('is never stale without sources (an installed package has only dist/)', () => {
    fs.rmSync(path.join(root, 'src'), { recursive: true });
    expect(stamp.isStale(root)).toBe(false);
  });
});
