// What dist/ was built from, and whether the sources changed since (README "Build").
//
// scripts/build.mjs writes the stamp; bin/aizuchi.mjs checks it on every start, so the check is
// on the path of `aizuchi --help` (issue 11: < 300 ms) and is kept to what must be done: no
// directory listing (slow: ~100 folders, and Node 20's recursive readdir far slower still), one
// stat per path the stamp lists. A folder's mtime changes when an entry is added, removed or
// renamed in it, so stamping folders as well as files catches new and deleted sources; a file's
// own mtime catches an edit. Mtimes are compared for equality, so a file put back with an older
// time (cp -p, tar, a restored backup) counts as changed too.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** Written last into dist/: its presence says dist/ is complete; its content says what it was built from. */
export const STAMP_FILE = '.build-stamp.json';

/** Paths (relative to the repository root) outside src/ whose change also calls for a build. */
const ALSO_TRACKED = ['package.json', 'scripts/build.mjs', 'scripts/build-stamp.mjs'];

/** `dir` (relative to `root`), its subfolders and their files, recursively, in a stable order. */
function walk(root, dir, out) {
  out.push(dir);
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) walk(root, rel, out);
    else out.push(rel);
  }
  return out;
}

/**
 * The state dist/ is built from: every folder and file under src/ plus ALSO_TRACKED, each with its
 * mtime in ms (paths relative to `root`, the repository). Read by the build before it starts, so an
 * edit made during the build shows as a change.
 * @param {string} [root]
 * @returns {{ sources: Record<string, number> }}
 */
export function sourceState(root = ROOT) {
  /** @type {Record<string, number>} */
  const sources = {};
  for (const rel of [...walk(root, 'src', []), ...ALSO_TRACKED]) sources[rel] = fs.statSync(path.join(root, rel)).mtimeMs;
  return { sources };
}

/**
 * True when `<root>/dist` has no stamp (missing, half-built, or from an older stamp format) or a
 * stamped path is gone or has another mtime; false when src/ is absent (an installed package:
 * nothing to build from).
 * @param {string} [root] the repository
 */
export function isStale(root = ROOT) {
  if (!fs.existsSync(path.join(root, 'src'))) return false;
  /** @type {{ sources?: Record<string, number> }} */
  let stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(path.join(root, 'dist', STAMP_FILE), 'utf8'));
  } catch {
    return true;
  }
  if (!stamp.sources || typeof stamp.sources !== 'object') return true;
  for (const [rel, mtimeMs] of Object.entries(stamp.sources)) {
    const now = fs.statSync(path.join(root, rel), { throwIfNoEntry: false });
    if (!now || now.mtimeMs !== mtimeMs) return true;
  }
  return false;
}
