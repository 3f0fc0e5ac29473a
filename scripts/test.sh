#!/usr/bin/env bash
# Runs the whole test suite: type check, unit and integration tests on SQLite and a real
# PostgreSQL server (started here), and the browser tests in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

pgdir=$(mktemp -d /tmp/aizuchi-test-pg.XXXXXX)
trap 'bash scripts/postgres-for-tests.sh stop "$pgdir"' EXIT
eval "$(bash scripts/postgres-for-tests.sh start "$pgdir")"
export AIZUCHI_TEST_POSTGRES_URL

npx tsc --noEmit
npx eslint .
# One formatter (.prettierrc.json); `npm run format` rewrites, this only checks.
npx prettier --check . >/dev/null || { npx prettier --list-different .; echo 'aizuchi: files not formatted; run npm run format' >&2; exit 1; }
# One-way dependencies between the areas of src/ and no import rings (.dependency-cruiser.cjs).
npm run --silent lint:deps
# The compiled build (dist/) the CLI tests spawn; built once here rather than by the first test.
npm run --silent build
npx vitest run "$@"
