#!/usr/bin/env bash
# Starts aizuchi with its embedded defaults (SQLite under ./data, the built-in mail catcher,
# port 3000) and demo accounts. Installs what is missing first; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export AIZUCHI_DEMO="${AIZUCHI_DEMO:-true}"
# The demo rings the browser softphone through a mailed link, which proves the mailbox but not the
# phone on record, so it runs the `mailbox` policy (password + emailed code) unless one is set.
# Under `standard` every demo call would go to a person; the server's banner names the policy.
export AIZUCHI_POLICY="${AIZUCHI_POLICY:-mailbox}"
exec node bin/aizuchi.mjs serve "$@"
