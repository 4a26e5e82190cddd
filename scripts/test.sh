#!/usr/bin/env bash
# The README's test command: fresh virtual environment, install with test extras,
# fetch the settlement register into the cache (set-up, not a test), lint, type-check,
# then the whole test suite, slow tests included.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
. .venv/bin/activate
python -m pip install --quiet --upgrade pip
python -m pip install --quiet -e ".[test]"
export OPORA_CACHE_DIR="${OPORA_CACHE_DIR:-$HOME/.cache/opora}"
opora fetch-register
ruff check src tests benchmarks scripts
ruff format --check src tests benchmarks scripts
mypy
pytest -q
