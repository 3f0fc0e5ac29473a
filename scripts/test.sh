#!/usr/bin/env bash
# Runs the whole test suite: type check, unit and integration tests on SQLite and a real
# PostgreSQL server (started here), and the browser tests in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

# AIZUCHI_TEST_NODE=24: the Node 24 pass (.ci/run runs both). It runs the build and every test on
# Node 24 and skips the static checks, which the Node 20 pass already ran and which do not depend on
# the runtime. scripts/node24.sh says how Node 24 and its native build are set up.
node_pass=${AIZUCHI_TEST_NODE:-}
restore_node20_sqlite() { :; }
case "$node_pass" in
  '' | 20) node_pass='' ;;
  24) source scripts/node24.sh ;;
  *) echo "aizuchi: AIZUCHI_TEST_NODE must be 20 or 24, not '$node_pass'" >&2; exit 2 ;;
esac

pgdir=$(mktemp -d /tmp/aizuchi-test-pg.XXXXXX)
trap 'restore_node20_sqlite; bash scripts/postgres-for-tests.sh stop "$pgdir"' EXIT
eval "$(bash scripts/postgres-for-tests.sh start "$pgdir")"
export AIZUCHI_TEST_POSTGRES_URL

if [[ -z "$node_pass" ]]; then
  npx tsc --noEmit
  npx eslint .
  # One formatter (.prettierrc.json); `npm run format` rewrites, this only checks.
  npx prettier --check . >/dev/null || { npx prettier --list-different .; echo 'aizuchi: files not formatted; run npm run format' >&2; exit 1; }
  # One-way dependencies between the areas of src/ and no import rings (.dependency-cruiser.cjs).
  npm run --silent lint:deps
fi
# The compiled build (dist/) the CLI tests spawn; built once here rather than by the first test.
npm run --silent build
npx vitest run "$@"
