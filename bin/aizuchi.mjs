#!/usr/bin/env node
// The package's bin: runs the compiled CLI in dist/ (README "Build"). When the sources are newer
// than dist/ (a checkout, an edit), it rebuilds first, so `bash scripts/start.sh` never runs stale
// code; one build at a time (a lock file), since tests start many CLIs at once.
//
// Start time matters here (issue 11: `aizuchi --help` < 300 ms): the freshness check is the stamp's
// stats alone (scripts/build-stamp.mjs); the build script and esbuild load only when a build is due.
import fs from 'node:fs';
import module from 'node:module';

// Node 22.1+ keeps V8's compiled code of every module on disk (os.tmpdir()/node-compile-cache, or
// NODE_COMPILE_CACHE), so later starts skip compiling dist/; Node 20 has no such cache.
module.enableCompileCache?.();

const root = new URL('../', import.meta.url);
const hasSources = fs.existsSync(new URL('src/', root));

if (hasSources) {
  const { isStale } = await import('../scripts/build-stamp.mjs');
  if (isStale()) {
    const { build } = await import('../scripts/build.mjs');
    await withBuildLock(async () => (isStale() ? build() : undefined));
  }
}
await import('../dist/cli.js');

/**
 * Runs `fn` holding dist/.build.lock (created exclusively). Another process holding it is waited
 * for; a lock older than two minutes is taken to be left by a killed build and removed.
 */
async function withBuildLock(fn) {
  const lock = new URL('.build.lock', root);
  for (;;) {
    try {
      fs.closeSync(fs.openSync(lock, 'wx'));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 120_000) fs.rmSync(lock, { force: true });
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    await fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}
