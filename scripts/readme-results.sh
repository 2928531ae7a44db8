#!/usr/bin/env bash
# scripts/readme-results.sh — fills README.md's Results section from results/:
# the headline figure and the summary table, between the markers
# <!-- results:begin --> and <!-- results:end -->. Run by `make results`, so
# the README never carries a number typed by hand.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
summary=results/summary.md
figure=results/figures/headline_baseline.png
best=results/figures/best_mitigations.png
for f in "$summary" "$figure" "$best"; do
  [ -f "$f" ] || { echo "readme-results: $f is missing: run 'make results' first" >&2; exit 1; }
done
block=$(mktemp)
trap 'rm -f "$block"' EXIT
{
  echo '<!-- results:begin (written by scripts/readme-results.sh from results/; do not edit by hand) -->'
  echo
  echo "The reference grid (17 conditions × seeds 0–4, pure-Go backend), as written by \`make results\`."
  echo "What holds of the original's claims, measured: [results/README.md](results/README.md)."
  echo
  echo "![The baseline: policy quality, judge alignment, policy entropy and judge-perceived quality over iterations 0–10](${figure})"
  echo
  echo "![The best mitigations between the frozen-judge and 10%-oracle-anchor bounds](${best})"
  echo
  cat "$summary"
  echo
  echo '<!-- results:end -->'
} > "$block"
python3 - "$block" <<'PY'
import re, sys
block = open(sys.argv[1]).read().rstrip("\n")
readme = open("README.md").read()
pattern = re.compile(r"<!-- results:begin.*?<!-- results:end -->", re.S)
if pattern.search(readme):
    readme = pattern.sub(lambda _: block, readme)
elif "<!-- results: filled from results/ by the lab -->" in readme:
    readme = readme.replace("<!-- results: filled from results/ by the lab -->", block)
else:
    sys.exit("readme-results: README.md has no Results markers")
open("README.md.tmp", "w").write(readme)
PY
mv README.md.tmp README.md
echo "readme-results: README.md's Results section now shows $figure and $summary"
