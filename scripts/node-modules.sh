#!/usr/bin/env bash
# Installs node_modules with `npm ci` when it is missing or was installed from another
# package-lock.json; otherwise does nothing. Run by setup.sh (so by start.sh and test.sh); safe to run again.
#
# Staleness is a SHA-256 of package-lock.json kept in node_modules/.aizuchi-lock.sha256, not file
# times: git clone and checkout give every file the current time, so a fresh clone's lock always
# looked newer than any install and `npm ci` ran every time.
#
# A node_modules that is a symbolic link (a worktree or clone sharing another checkout's install)
# is never reinstalled here: `npm ci` empties the link's target before replacing the link, which
# takes the install away from every checkout that shares it. A stale one is named on stderr.
set -euo pipefail

aizuchi_lock_hash() { sha256sum package-lock.json | cut -d' ' -f1; }

aizuchi_node_modules() {
  local stamp=node_modules/.aizuchi-lock.sha256 want
  want="$(aizuchi_lock_hash)"
  if [[ -L node_modules ]]; then
    if [[ "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
      echo "aizuchi: node_modules links to $(readlink -f node_modules), which may not match this package-lock.json; not reinstalling a shared install (run npm ci where it lives, or remove the link)" >&2
    fi
    return 0
  fi
  if [[ -d node_modules && "$(cat "$stamp" 2>/dev/null)" == "$want" ]]; then
    return 0
  fi
  # An install made before the stamp existed is adopted when npm's own record of it is newer than
  # the lock (the old rule), so it is not reinstalled once for nothing.
  if [[ -d node_modules && ! -f "$stamp" && -f node_modules/.package-lock.json && ! package-lock.json -nt node_modules/.package-lock.json ]]; then
    printf '%s\n' "$want" >"$stamp"
    return 0
  fi
  npm ci --no-audit --no-fund
  printf '%s\n' "$want" >"$stamp"
}

aizuchi_node_modules
