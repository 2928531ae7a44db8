#!/usr/bin/env bash
# scripts/notebooks.sh — executes the lab's GoNB notebooks headless (nbconvert).
#
#   bash scripts/notebooks.sh run       make notebooks: execute every notebooks/*.ipynb
#                                       in place, then stamp it (scripts/nbtool.py stamp)
#   bash scripts/notebooks.sh check     make notebooks-check: execute each notebook into a
#                                       temporary folder (the committed files are left
#                                       alone), fail on any cell error, then check the
#                                       committed notebooks (scripts/check-notebooks.sh:
#                                       outputs, errors, figures, staleness)
#   bash scripts/notebooks.sh smoke     execute a throw-away two-cell Go notebook: checks
#                                       that the GoNB kernel works (used by CI)
#   bash scripts/notebooks.sh appendix  make appendix: export the (executed, committed)
#                                       notebooks to self-contained HTML and Markdown under
#                                       results/appendix/, plus results/appendix/appendix.pdf
#                                       printed by headless Chromium when it is installed
#
# Arguments after the command name select notebooks (default: notebooks/*.ipynb).
# Environment: NB_TIMEOUT (seconds per cell, default 1800), NB_DIR (default notebooks),
# APPENDIX_DIR (default results/appendix), CHROMIUM (browser command, default: the
# first of chromium, chromium-browser, google-chrome found on PATH).
#
# A notebook runs with the kernel's working directory set to the notebook's own
# folder (GONB_DIR), also when its output goes to a temporary folder. The GoNB
# kernel's own log lines go to a log file; it is shown when a notebook fails.
set -euo pipefail

cmd=${1:-}
if [ $# -gt 0 ]; then shift; fi
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
NB_TIMEOUT=${NB_TIMEOUT:-1800}
NB_DIR=${NB_DIR:-notebooks}
APPENDIX_DIR=${APPENDIX_DIR:-results/appendix}

say() { printf 'notebooks: %s\n' "$*"; }
die() { printf 'notebooks: ERROR: %s\n' "$*" >&2; exit 1; }

need_jupyter() {
  command -v jupyter >/dev/null 2>&1 && jupyter nbconvert --version >/dev/null 2>&1 ||
    die "jupyter nbconvert is not installed: run 'make setup' (scripts/setup.sh) first"
  local specs
  specs=$(jupyter kernelspec list 2>/dev/null || true)
  grep -qE '^ +gonb ' <<<"$specs" ||
    die "the GoNB Jupyter kernel is not registered: run 'make setup' (scripts/setup.sh) first"
}

# notebooks: the selected notebooks, or every $NB_DIR/*.ipynb.
nbs=()
if [ $# -gt 0 ]; then
  nbs=("$@")
else
  shopt -s nullglob
  nbs=("$NB_DIR"/*.ipynb)
  shopt -u nullglob
fi

# execute NB OUTDIR_OR_EMPTY LOG: nbconvert --execute, in place when OUTDIR is empty.
execute() {
  local nb=$1 outdir=$2 log=$3 t0 rc=0
  local args=(--to notebook --execute "--ExecutePreprocessor.timeout=$NB_TIMEOUT"
              --ExecutePreprocessor.kernel_name=gonb)
  if [ -z "$outdir" ]; then args+=(--inplace); else args+=(--output-dir "$outdir"); fi
  t0=$(date +%s)
  jupyter nbconvert "${args[@]}" "$nb" >"$log" 2>&1 || rc=$?
  if [ "$rc" != 0 ]; then
    say "FAILED: $nb (nbconvert exit $rc after $(( $(date +%s) - t0 )) s); the last lines of $log:"
    grep -vE '^[IW][0-9]{4} ' "$log" | tail -n 40 | sed 's/^/    /' >&2
    return 1
  fi
  say "executed $nb in $(( $(date +%s) - t0 )) s"
}

case "$cmd" in
  run)
    [ ${#nbs[@]} -gt 0 ] || { say "no notebooks in $NB_DIR/: nothing to run"; exit 0; }
    need_jupyter
    logdir=$(mktemp -d)
    failed=0
    for nb in "${nbs[@]}"; do
      if execute "$nb" "" "$logdir/$(basename "$nb").log"; then
        python3 scripts/nbtool.py stamp "$nb" || failed=1
      else
        failed=1
      fi
    done
    [ "$failed" = 0 ] || die "some notebooks failed (kernel logs in $logdir); the failed ones were left unchanged"
    rm -rf "$logdir"
    say "all ${#nbs[@]} notebooks executed and stamped: commit them"
    ;;

  check)
    [ ${#nbs[@]} -gt 0 ] || { say "no notebooks in $NB_DIR/: skipping the notebook check"; exit 0; }
    need_jupyter
    out=$(mktemp -d)
    failed=0
    for nb in "${nbs[@]}"; do
      execute "$nb" "$out" "$out/$(basename "$nb").log" || failed=1
    done
    executed=("$out"/*.ipynb)
    if [ -e "${executed[0]}" ]; then
      say "checking the fresh executions (errors, figures):"
      python3 scripts/nbtool.py check --no-stale "${executed[@]}" || failed=1
    fi
    say "checking the committed notebooks (outputs, errors, figures, staleness):"
    bash scripts/check-notebooks.sh "${nbs[@]}" || failed=1
    [ "$failed" = 0 ] || die "notebook check failed (fresh executions and kernel logs in $out)"
    rm -rf "$out"
    say "notebook check passed"
    ;;

  smoke)
    need_jupyter
    tmp=$(mktemp -d)
    python3 - "$tmp/smoke.ipynb" "$repo" <<'EOF'
import json, sys
out, repo = sys.argv[1:3]
def code(i, src):
    return {"cell_type": "code", "id": f"c{i}", "metadata": {}, "source": src,
            "outputs": [], "execution_count": None}
nb = {"nbformat": 4, "nbformat_minor": 5,
      "metadata": {"kernelspec": {"name": "gonb", "display_name": "Go (gonb)", "language": "go"}},
      "cells": [
          code(0, f"!*rm -f go.work && go work init && go work use . {repo}\n%goworkfix\n%noautoget"),
          # defer gonbui.Sync(): without it GoNB may drop display data sent just
          # before the cell's program exits (seen once in a few runs).
          code(1, 'import "github.com/janpfeifer/gonb/gonbui"\n\n%%\ndefer gonbui.Sync()\nfmt.Println("smoke", 6*7)\n'
                  'gonbui.DisplaySVG(`<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"></svg>`)'),
      ]}
json.dump(nb, open(out, "w"))
EOF
    execute "$tmp/smoke.ipynb" "$tmp/out" "$tmp/smoke.log" || die "the GoNB kernel could not run a two-cell notebook (log: $tmp/smoke.log)"
    python3 scripts/nbtool.py check --no-stale "$tmp/out/smoke.ipynb" >/dev/null ||
      { python3 scripts/nbtool.py check --no-stale "$tmp/out/smoke.ipynb"; die "smoke notebook produced errors"; }
    grep -q 'smoke 42' "$tmp/out/smoke.ipynb" || die "smoke notebook did not print its output"
    rm -rf "$tmp"
    say "GoNB kernel smoke test passed"
    ;;

  appendix)
    [ ${#nbs[@]} -gt 0 ] || { say "no notebooks in $NB_DIR/: no appendix to make"; exit 0; }
    command -v jupyter >/dev/null 2>&1 || die "jupyter nbconvert is not installed: run 'make setup' first"
    bash scripts/check-notebooks.sh "${nbs[@]}" ||
      say "WARNING: the notebooks above are not clean; exporting them anyway"
    mkdir -p "$APPENDIX_DIR"
    # The PDF covers every selected notebook: drop the old one first, so that a
    # failed or skipped print cannot leave a stale appendix.pdf behind.
    rm -f "$APPENDIX_DIR/appendix.pdf"
    # HTML: outputs (PNG, SVG) are inline; --embed-images also inlines images
    # referenced from Markdown cells, so each .html file stands alone.
    embed=()
    if jupyter nbconvert --help-all 2>/dev/null | grep -- '--embed-images' >/dev/null; then embed=(--embed-images); fi
    # MathJax (for LaTeX in Markdown cells): Debian's nbconvert points to the
    # libjs-mathjax package's file, which a reader's machine may lack: use the
    # CDN unless MATHJAX_URL says otherwise.
    MATHJAX_URL=${MATHJAX_URL:-https://cdn.jsdelivr.net/npm/mathjax@2.7.9/MathJax.js?config=TeX-AMS_CHTML-full,Safe}
    embed+=("--HTMLExporter.mathjax_url=$MATHJAX_URL")
    for nb in "${nbs[@]}"; do
      base=$(basename "$nb" .ipynb)
      # Remove the previous export first: a failed export must not pass on a stale file.
      rm -rf "$APPENDIX_DIR/$base.html" "$APPENDIX_DIR/$base.md" "$APPENDIX_DIR/${base}_files"
      jupyter nbconvert --to html ${embed[@]+"${embed[@]}"} --output-dir "$APPENDIX_DIR" "$nb" 2>&1 | grep -v '^\[NbConvertApp\] Writing' || true
      jupyter nbconvert --to markdown --output-dir "$APPENDIX_DIR" "$nb" 2>&1 | grep -v '^\[NbConvertApp\] Writing' || true
      [ -s "$APPENDIX_DIR/$base.html" ] && [ -s "$APPENDIX_DIR/$base.md" ] || die "exporting $nb failed"
      say "exported $APPENDIX_DIR/$base.html and $base.md"
    done
    # One PDF of all notebooks together.
    tmp=$(mktemp -d)
    python3 scripts/nbtool.py combine "$tmp/appendix.ipynb" "${nbs[@]}"
    jupyter nbconvert --to html ${embed[@]+"${embed[@]}"} --output-dir "$tmp" "$tmp/appendix.ipynb" >/dev/null 2>&1 ||
      die "exporting the combined notebook to HTML failed"
    browser=${CHROMIUM:-}
    if [ -z "$browser" ]; then
      for b in chromium chromium-browser google-chrome; do
        if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
      done
    fi
    if [ -z "$browser" ]; then
      say "Chromium is not installed: skipping $APPENDIX_DIR/appendix.pdf (on Debian: apt-get install chromium)"
    else
      pdf="$(cd "$APPENDIX_DIR" && pwd)/appendix.pdf"
      rm -f "$pdf"
      # Offline, MathJax cannot load: hide its "Loading..." box from the PDF.
      sed -i 's|</head>|<style>#MathJax_Message{display:none !important}</style></head>|' "$tmp/appendix.html"
      # --virtual-time-budget lets the page's scripts (MathJax) finish before printing.
      timeout 300 "$browser" --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
        --virtual-time-budget=20000 --print-to-pdf="$pdf" "file://$tmp/appendix.html" >"$tmp/chromium.log" 2>&1 || true
      [ -s "$pdf" ] || { tail -n 20 "$tmp/chromium.log" >&2; die "$browser did not print $pdf"; }
      say "printed $APPENDIX_DIR/appendix.pdf with $browser"
    fi
    rm -rf "$tmp"
    ;;

  *)
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
    [ "$cmd" = "-h" ] || [ "$cmd" = "--help" ] || exit 2
    ;;
esac
