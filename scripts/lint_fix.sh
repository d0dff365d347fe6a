#!/usr/bin/env bash
# Apply ruff's safe fixes and the formatter to the whole repository, then show what is left for
# hand fixes (`make lint` is the same check CI runs). Run from anywhere; uses the project's .venv
# (or ruff/mypy on PATH when there is none).
set -uo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
[ -x "$bin/ruff" ] || bin="$(dirname "$(command -v ruff)")"

"$bin/ruff" check --fix --silent . || true   # safe fixes only (no --unsafe-fixes); what is left is listed below
"$bin/ruff" format --quiet .
echo "== ruff check: what --fix could not fix"
"$bin/ruff" check --statistics . && echo "none"
echo "== mypy"
"$bin/mypy"
