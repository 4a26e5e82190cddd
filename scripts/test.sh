#!/usr/bin/env bash
# The README's test command: fresh virtual environment, install with test extras,
# lint, type-check, then the test suite (slow tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
. .venv/bin/activate
python -m pip install --quiet --upgrade pip
python -m pip install --quiet -e ".[test]"
ruff check src tests
ruff format --check src tests
mypy
pytest -q
