#!/usr/bin/env bash
# scripts/check-notebooks.sh — checks the committed notebooks (no execution).
#
#   bash scripts/check-notebooks.sh [--no-stale] [NB.ipynb ...]   (default: notebooks/*.ipynb)
#
# Cheap and standalone: it needs only python3 (no Go build, no Jupyter, no
# kernel) and reads the notebooks, the lab's sources and results/runs*, so CI
# can run it first, before any setup. Run from anywhere (it cd's to the repo).
#
# Fails (exit 1) when a notebook
#   * has no outputs, or a code cell that was never executed;
#   * has a cell error: an "error" output, or a stderr stream where GoNB reports
#     the cell's program failing ("exit status N", "panic: ...", "signal: ...");
#   * has a cell tagged "figure" without a picture (an image/* output, or HTML
#     with <svg>/<img>; a table does not count), a cell tagged "table" or
#     calling gonbui.Display... without an image/HTML/Markdown output, or
#     figure cells but no picture at all;
#   * is stale (unless --no-stale; COEVO_NB_STALE=warn only warns). Rule:
#     `make notebooks` stamps each notebook it executed without errors with
#     metadata.coevolab.source_hash = sha256 of the lab's sources (every
#     non-test *.go file under coevo/, plus go.mod and go.sum),
#     metadata.coevolab.cells_hash = sha256 of its code cells and, for the
#     notebooks that read the reference runs (their code mentions COEVO_RUNS or
#     results/runs: 03, 04), metadata.coevolab.results_hash = sha256 of the
#     *.jsonl and *.manifest.json files under results/runs and
#     results/runs-exact-entropy. A notebook is stale when the stamp is
#     missing, when source_hash differs from the hash of the checkout
#     (`python3 scripts/nbtool.py hash`), when cells_hash differs from its
#     current code cells, or when it reads the runs and results_hash is missing
#     or differs (`python3 scripts/nbtool.py results-hash`). Fix:
#     `make notebooks`, then commit.
# The rules are implemented in scripts/nbtool.py (python3, standard library).
# With no notebooks it says so and exits 0.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

flags=()
files=()
for a in "$@"; do
  case "$a" in
    --no-stale) flags+=("$a") ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) files+=("$a") ;;
  esac
done
if [ ${#files[@]} -eq 0 ]; then
  shopt -s nullglob
  files=(notebooks/*.ipynb)
fi
if [ ${#files[@]} -eq 0 ]; then
  echo "check-notebooks: no notebooks in notebooks/: nothing to check"
  exit 0
fi
command -v python3 >/dev/null 2>&1 || { echo "check-notebooks: ERROR: python3 is needed" >&2; exit 1; }
exec python3 scripts/nbtool.py check ${flags[@]+"${flags[@]}"} "${files[@]}"
