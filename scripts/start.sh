#!/usr/bin/env bash
# Starts aizuchi with its embedded defaults (SQLite under ./data, the built-in mail catcher,
# port 3000) and demo accounts. Installs what is missing first; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export AIZUCHI_DEMO="${AIZUCHI_DEMO:-true}"
exec node bin/aizuchi.mjs serve
