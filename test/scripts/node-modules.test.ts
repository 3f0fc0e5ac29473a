import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * scripts/node-modules.sh (run by setup.sh, so by start.sh and test.sh) decides whether to run
 * `npm ci`. Each test runs it in a temporary checkout with a stand-in `npm` on PATH that records
 * its arguments and installs a marker, so what the script would do is observable without npm.
 */

const SCRIPT = fileURLToPath(new URL('../../scripts/node-modules.sh', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-node-modules-'));
  dirs.push(d);
  return d;
}

/** A checkout with a package-lock.json and an `npm` that logs its calls to `npm.log`. */
function checkout(lock = '{"lockfileVersion":3}\n') {
  const root = tempDir();
  const bin = path.join(root, '.bin');
  fs.mkdirSync(bin);
  fs.mkdirSync(path.join(root, 'scripts'));
  fs.copyFileSync(SCRIPT, path.join(root, 'scripts', 'node-modules.sh'));
  fs.writeFileSync(path.join(root, 'package-lock.json'), lock);
  // npm ci empties node_modules (through a link too) and fills it again.
  fs.writeFileSync(
    path.join(bin, 'npm'),
    '#!/usr/bin/env bash\necho "$*" >> npm.log\nrm -rf node_modules/* node_modules/.[!.]* node_modules\nmkdir node_modules && touch node_modules/installed\n',
    { mode: 0o755 },
  );
  const run = () =>
    execFileSync('bash', ['scripts/node-modules.sh'], {
      cwd: root,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const npmCalls = () =>
    fs.existsSync(path.join(root, 'npm.log')) ? fs.readFileSync(path.join(root, 'npm.log'), 'utf8').trim().split('\n') : [];
  return { root, run, npmCalls };
}

describe('scripts/node-modules.sh', () => {
  it('runs npm ci when node_modules is missing, and not again for the same package-lock.json', () => {
    const c = checkout();
    c.run();
    expect(c.npmCalls()).toEqual(['ci --no-audit --no-fund']);
    expect(fs.existsSync(path.join(c.root, 'node_modules', 'installed'))).toBe(true);
    c.run();
    expect(c.npmCalls()).toHaveLength(1);
  });

  it('does not reinstall when git gives an unchanged package-lock.json a newer time (clone, checkout)', () => {
    const c = checkout();
    c.run();
    const later = new Date(Date.now() + 3_600_000);
    fs.utimesSync(path.join(c.root, 'package-lock.json'), later, later);
    c.run();
    expect(c.npmCalls()).toHaveLength(1);
  });

  it('reinstalls when package-lock.json changes', () => {
    const c = checkout();
    c.run();
    fs.writeFileSync(path.join(c.root, 'package-lock.json'), '{"lockfileVersion":3,"packages":{"x":{}}}\n');
    c.run();
    expect(c.npmCalls()).toHaveLength(2);
  });

  it('adopts an install from before the stamp when npm recorded it after the lock was written', () => {
    const c = checkout();
    fs.mkdirSync(path.join(c.root, 'node_modules'));
    fs.writeFileSync(path.join(c.root, 'node_modules', '.package-lock.json'), '{}');
    const earlier = new Date(Date.now() - 3_600_000);
    fs.utimesSync(path.join(c.root, 'package-lock.json'), earlier, earlier);
    c.run();
    expect(c.npmCalls()).toEqual([]);
    // From then on the stamp decides: a changed lock reinstalls.
    fs.writeFileSync(path.join(c.root, 'package-lock.json'), '{"lockfileVersion":3,"packages":{"y":{}}}\n');
    c.run();
    expect(c.npmCalls()).toHaveLength(1);
  });

  it('never runs npm ci through a node_modules link, so the shared install it points at survives', () => {
    const shared = tempDir();
    fs.writeFileSync(path.join(shared, 'some-package.js'), 'module.exports = 1;\n');
    const c = checkout();
    fs.symlinkSync(shared, path.join(c.root, 'node_modules'));
    c.run(); // throws if the script fails
    expect(c.npmCalls()).toEqual([]);
    expect(fs.readdirSync(shared)).toEqual(['some-package.js']);
    expect(fs.lstatSync(path.join(c.root, 'node_modules')).isSymbolicLink()).toBe(true);
  });

  it('names a linked install that may not match this package-lock.json on stderr', () => {
    const shared = tempDir();
    const c = checkout();
    fs.symlinkSync(shared, path.join(c.root, 'node_modules'));
    const out = execFileSync('bash', ['-c', 'bash scripts/node-modules.sh 2>&1'], { cwd: c.root, encoding: 'utf8' });
    expect(out).toContain(`node_modules links to ${fs.realpathSync(shared)}`);
    expect(out).toContain('not reinstalling a shared install');
  });
});
