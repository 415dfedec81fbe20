#!/usr/bin/env bash
# Runs every test file (or those given) with node's test runner; TypeScript through tsx.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ "$#" -gt 0 ]; then files=("$@"); else mapfile -t files < <(find test -name '*.test.ts' | sort); fi
# The CLI tests spawn the built CLI (dist/), as `npx smartjob` runs it: build it first when one of them is included.
if grep -lq 'cli-harness' "${files[@]}" 2>/dev/null; then npm run --silent build || exit 1; fi
# force-exit: a failed test must not leave its file hanging on a watcher it never released
exec node --import tsx --test --test-force-exit --test-timeout=300000 --test-concurrency="${TEST_CONCURRENCY:-2}" --test-reporter=spec "${files[@]}"
