#!/usr/bin/env bash
# The whole test suite, services included: `npm test`.
# Installs dependencies, starts MariaDB, Redis, FerretDB and checks Chromium (scripts/services.sh),
# then lint, typecheck, unit tests, exec-node tests, integration tests on SQLite and MariaDB, and
# browser tests. Safe to run again on the same machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export npm_config_nodedir=/usr SCARF_ANALYTICS=false DO_NOT_TRACK=1
step() { printf '\n=== %s\n' "$*"; }

step "dependencies"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

step "services"
bash scripts/services.sh up
# shellcheck disable=SC1091
. .services/env

step "build and typecheck"
rm -rf dist exec-node/dist
npx tsc -p tsconfig.json
npm --prefix exec-node run build

step "lint"
npx eslint .
npx prettier --check .

tests() { find "$@" -type f \( -name '*.spec.js' -o -name '*.test.js' \) | sort; }
run_tests() {
  # shellcheck disable=SC2046
  node --test --test-reporter=spec --test-concurrency=1 --test-timeout=300000 $(tests "$@")
}

step "unit tests"
run_tests dist/src

step "exec node tests"
npm --prefix exec-node run test

step "integration tests (SQLite)"
MESHCRON_TEST_DB=sqlite run_tests dist/test/integration

step "integration tests (MariaDB)"
MESHCRON_TEST_DB=mysql run_tests dist/test/integration

step "browser tests"
run_tests dist/test/e2e
