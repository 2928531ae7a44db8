#!/usr/bin/env python3
"""nbtool — checks and stamps the lab's GoNB notebooks (python3 standard library only).

    python3 scripts/nbtool.py hash                  print the lab's source hash
    python3 scripts/nbtool.py results-hash          print the hash of the reference runs
    python3 scripts/nbtool.py stamp NB.ipynb...     record the hashes (below) in NB's metadata
    python3 scripts/nbtool.py check [--no-stale] NB.ipynb...
    python3 scripts/nbtool.py combine OUT.ipynb NB.ipynb...   (one notebook for the PDF appendix)

Used by scripts/notebooks.sh (make notebooks, make notebooks-check, make appendix)
and scripts/check-notebooks.sh.

What `check` reports (each is an error and makes it exit 1):

  * the file is not a readable notebook, or not a GoNB one (kernelspec "gonb");
  * no outputs at all, or a code cell that was never executed (execution_count
    is null): the notebook was committed without running it;
  * a cell error: an output of type "error" (GoNB compile errors, failed
    `go get`...), or a stderr stream that shows the cell's program failing:
    GoNB reports a panic, log.Fatal or os.Exit(N != 0) only as stderr text
    ending in "exit status N" / "panic: ..." / "signal: ...", and nbconvert
    does not treat those as errors, so they are looked for here;
  * a figure or table cell without its output. Cell tags (cell metadata "tags"):
      - "figure": the cell is meant to show a plot, so it must have a real
        picture: an image/png, image/svg+xml, image/jpeg or image/gif output,
        or a text/html output containing <svg or <img (GoNB's DisplaySVG
        sends HTML). An HTML or Markdown table alone does not count.
      - "table": the cell shows a table or other HTML through a helper
        function; it must have an image, text/html or text/markdown output.
    A cell that is not tagged "figure" but whose source calls
    gonbui.Display... (DisplayPNG, DisplaySVG, DisplayHTML, ...) directly
    follows the "table" rule. A notebook with figure cells (tagged "figure"
    or calling gonbui.Display...) must hold at least one real picture;
  * staleness (skipped with --no-stale, or only warned with COEVO_NB_STALE=warn),
    below.

The staleness rule. `make notebooks` executes each notebook in place and then
stamps it: metadata.coevolab = {"source_hash": S, "cells_hash": C,
["results_hash": R,] ...}.
  S = sha256 over the lab's sources: every *.go file under coevo/ that is not
      a _test.go file nor under a testdata/ folder, plus go.mod and go.sum
      (their relative paths and contents, in sorted path order). So any change
      to the library's code or to a dependency version makes S change.
  C = sha256 over the notebook's own code cells (their sources, in order).
  R = sha256 over the reference runs the notebook reads: every *.jsonl and
      *.manifest.json file under results/runs and results/runs-exact-entropy
      (relative paths and contents, in sorted path order; a missing folder
      contributes nothing). Only for notebooks that read reference runs, i.e.
      whose code cells mention COEVO_RUNS or results/runs (03, 04); the
      others (01, 02 compute everything live) get no R and do not depend on
      results/. R covers the repository's results/ folders even when
      COEVO_RUNS points elsewhere (stamp warns then).
A committed notebook is stale when it has no stamp, when its S differs from S
computed on the checkout (the library changed since the outputs were made),
when its C differs from its current code cells (cells edited after the last
run), or, for a notebook that reads reference runs, when its R is missing or
differs from R computed on the checkout (the runs were recomputed or
changed since). Fix: `make notebooks` (re-executes and re-stamps), then
commit. Markdown edits and cell tags do not make a notebook stale. The stamp
is written only after a run without any of the errors above.
"""

import datetime
import hashlib
import json
import os
import platform
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

IMAGE_MIMES = ("image/png", "image/svg+xml", "image/jpeg", "image/gif")
# What a "table" cell, or an untagged cell that calls gonbui.Display..., may
# show: a picture, or HTML or Markdown (gonbui.DisplayHTML / DisplayMarkdown).
DISPLAY_MIMES = IMAGE_MIMES + ("text/html", "text/markdown")
DISPLAY_RE = re.compile(r"\bgonbui\.Display\w*\s*\(")
# A notebook reads the reference runs when a code cell mentions one of these.
RESULTS_RE = re.compile(r'COEVO_RUNS|results/runs|"results",\s*"runs"')
RESULTS_DIRS = ("results/runs", "results/runs-exact-entropy")
RESULTS_SUFFIXES = (".jsonl", ".manifest.json")
# How GoNB reports a failing cell program on stderr (the last line(s)).
FAIL_RE = re.compile(r"^(exit status \d+|signal: \w+.*|panic: .*|fatal error: .*)$", re.M)


def source_hash(root=ROOT):
    files = []
    coevo = os.path.join(root, "coevo")
    for d, dirs, names in os.walk(coevo):
        dirs[:] = sorted(x for x in dirs if x != "testdata" and not x.startswith("."))
        for n in names:
            if n.endswith(".go") and not n.endswith("_test.go"):
                files.append(os.path.relpath(os.path.join(d, n), root))
    for n in ("go.mod", "go.sum"):
        if os.path.exists(os.path.join(root, n)):
            files.append(n)
    return files_hash(root, files)


def files_hash(root, files):
    """sha256 over files (paths relative to root): each path and its content's sha256, in path order."""
    h = hashlib.sha256()
    for rel in sorted(f.replace(os.sep, "/") for f in files):
        with open(os.path.join(root, rel), "rb") as f:
            data = f.read()
        h.update(rel.encode() + b"\0" + hashlib.sha256(data).hexdigest().encode() + b"\n")
    return h.hexdigest()


def results_hash(root=ROOT):
    """sha256 over the *.jsonl and *.manifest.json files under RESULTS_DIRS."""
    files = []
    for top in RESULTS_DIRS:
        for d, dirs, names in os.walk(os.path.join(root, top)):
            dirs[:] = sorted(x for x in dirs if not x.startswith("."))
            for n in names:
                if n.endswith(RESULTS_SUFFIXES):
                    files.append(os.path.relpath(os.path.join(d, n), root))
    return files_hash(root, files)


def text(x):
    return "".join(x) if isinstance(x, list) else (x or "")


def reads_results(nb):
    """Whether the notebook's code cells read the reference runs (COEVO_RUNS, results/runs)."""
    return any(c.get("cell_type") == "code" and RESULTS_RE.search(text(c.get("source")))
               for c in nb.get("cells", []))


def is_picture(o):
    """An output that is a real picture: image/*, or HTML holding an <svg> or <img>."""
    data = o.get("data") or {}
    if any(k in data for k in IMAGE_MIMES):
        return True
    html = text(data.get("text/html"))
    return "<svg" in html or "<img" in html


def cells_hash(nb):
    h = hashlib.sha256()
    for c in nb.get("cells", []):
        if c.get("cell_type") == "code":
            h.update(text(c.get("source")).encode() + b"\0")
    return h.hexdigest()


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def problems(path, nb, stale_check, current_hash, current_results=None):
    """Returns (errors, warnings) for one notebook. current_results is the checkout's
    results_hash(), or None to compute it when needed."""
    errs, warns = [], []
    ks = (nb.get("metadata") or {}).get("kernelspec") or {}
    if ks.get("name") != "gonb":
        errs.append(f"kernelspec is {ks.get('name')!r}, not 'gonb' (GoNB)")
    code = [(i, c) for i, c in enumerate(nb.get("cells", []), 1) if c.get("cell_type") == "code"]
    if not code:
        errs.append("no code cells")
    n_out = sum(len(c.get("outputs") or []) for _, c in code)
    if code and n_out == 0:
        errs.append("no outputs at all: the notebook was not executed (run: make notebooks)")
        code = []  # the per-cell checks would only repeat it
    has_figure_cell = False
    has_picture = False
    for i, c in code:
        src = text(c.get("source"))
        outs = c.get("outputs") or []
        where = f"cell {i}"
        if src.strip() and c.get("execution_count") is None:
            errs.append(f"{where}: never executed (execution_count is null)")
        for o in outs:
            ot = o.get("output_type")
            if ot == "error":
                msg = o.get("evalue") or o.get("ename") or "error"
                errs.append(f"{where}: error output: {msg.strip()[:200]}")
            elif ot == "stream" and o.get("name") == "stderr":
                m = FAIL_RE.search(text(o.get("text")))
                if m:
                    errs.append(f"{where}: the cell's program failed: {m.group(0)[:200]}")
            if is_picture(o):
                has_picture = True
        tags = (c.get("metadata") or {}).get("tags") or []
        if "figure" in tags:
            has_figure_cell = True
            if not any(is_picture(o) for o in outs):
                errs.append(f"{where}: tagged 'figure' but has no picture (an image/* output, or HTML "
                            "with <svg>/<img>; a table does not count)")
        elif DISPLAY_RE.search(src) or "table" in tags:
            if DISPLAY_RE.search(src):
                has_figure_cell = True
            if not any(any(k in (o.get("data") or {}) for k in DISPLAY_MIMES) for o in outs):
                why = "calls gonbui.Display..." if DISPLAY_RE.search(src) else "tagged 'table'"
                errs.append(f"{where}: {why} but has no image, HTML or Markdown output")
    if has_figure_cell and not has_picture:
        errs.append("has figure cells but no image output at all (image/png, image/svg+xml, "
                    "or HTML with <svg>/<img>)")
    if stale_check:
        stamp = (nb.get("metadata") or {}).get("coevolab") or {}
        stale = []
        if not stamp.get("source_hash"):
            stale.append("not stamped by `make notebooks` (no metadata.coevolab.source_hash)")
        else:
            if stamp["source_hash"] != current_hash:
                stale.append(f"stale: executed against lab sources {stamp['source_hash'][:12]}, "
                             f"the checkout is {current_hash[:12]} (coevo/, go.mod or go.sum changed)")
            if stamp.get("cells_hash") != cells_hash(nb):
                stale.append("stale: code cells were edited after the last `make notebooks`")
            if reads_results(nb):
                if current_results is None:
                    current_results = results_hash()
                if not stamp.get("results_hash"):
                    stale.append("stale: the notebook reads the reference runs (results/runs) but its stamp "
                                 "has no metadata.coevolab.results_hash (stamped by an older nbtool.py)")
                elif stamp["results_hash"] != current_results:
                    stale.append(f"stale: executed against reference runs {stamp['results_hash'][:12]}, "
                                 f"the checkout's are {current_results[:12]} "
                                 "(results/runs or results/runs-exact-entropy changed)")
        if stale:
            stale = [s + " — run: make notebooks" for s in stale]
            if os.environ.get("COEVO_NB_STALE", "error") == "warn":
                warns.extend(stale)
            else:
                errs.extend(stale)
    return errs, warns


def cmd_check(args):
    stale_check = True
    paths = []
    for a in args:
        if a == "--no-stale":
            stale_check = False
        else:
            paths.append(a)
    if not paths:
        print("nbtool check: no notebooks given", file=sys.stderr)
        return 2
    current = source_hash() if stale_check else None
    current_results = results_hash() if stale_check else None
    bad = 0
    for p in paths:
        try:
            nb = load(p)
        except (OSError, ValueError) as e:
            print(f"FAIL {p}: not a readable notebook: {e}")
            bad += 1
            continue
        errs, warns = problems(p, nb, stale_check, current, current_results)
        for w in warns:
            print(f"warn {p}: {w}")
        if errs:
            bad += 1
            for e in errs:
                print(f"FAIL {p}: {e}")
        else:
            print(f"ok   {p}")
    n = len(paths)
    print(f"notebooks: {n - bad} passed, {bad} failed")
    return 1 if bad else 0


def go_version():
    try:
        return subprocess.run(["go", "env", "GOVERSION"], capture_output=True, text=True,
                              cwd=ROOT).stdout.strip()
    except OSError:
        return ""


def cmd_stamp(paths):
    h = source_hash()
    rh = results_hash()
    rc = 0
    runs_env = os.environ.get("COEVO_RUNS", "")
    default_runs = os.path.join(ROOT, "results", "runs")
    for p in paths:
        nb = load(p)
        errs, _ = problems(p, nb, False, h)
        if errs:
            for e in errs:
                print(f"FAIL {p}: {e}")
            print(f"nbtool stamp: {p} NOT stamped (fix the errors above)")
            rc = 1
            continue
        md = nb.setdefault("metadata", {})
        stamp = {
            "source_hash": h,
            "cells_hash": cells_hash(nb),
            "executed_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "go": go_version(),
            "gomlx_backend": os.environ.get("GOMLX_BACKEND", ""),
            "machine": f"{platform.system()}/{platform.machine()}, {os.cpu_count()} CPUs",
        }
        note = ""
        if reads_results(nb):
            stamp["results_hash"] = rh
            note = f", reference runs {rh[:12]}"
            if runs_env and os.path.realpath(runs_env) != os.path.realpath(default_runs):
                print(f"warn {p}: COEVO_RUNS={runs_env} is not results/runs; the stamp's results_hash "
                      "covers results/runs and results/runs-exact-entropy only")
        md["coevolab"] = stamp
        with open(p, "w", encoding="utf-8") as f:
            json.dump(nb, f, indent=1, ensure_ascii=False)
            f.write("\n")
        print(f"stamped {p} (sources {h[:12]}{note})")
    return rc


def cmd_combine(args):
    """Concatenates notebooks into one (a Markdown title cell before each)."""
    out, paths = args[0], args[1:]
    combined = None
    for p in paths:
        nb = load(p)
        if combined is None:
            combined = {k: v for k, v in nb.items() if k != "cells"}
            combined["metadata"] = dict(nb.get("metadata") or {})
            combined["metadata"].pop("coevolab", None)
            combined["cells"] = []
        title = os.path.splitext(os.path.basename(p))[0]
        combined["cells"].append({"cell_type": "markdown", "metadata": {},
                                  "id": f"appendix-{len(combined['cells'])}",
                                  "source": f"# Notebook `{title}`\n"})
        for c in nb.get("cells", []):
            c = dict(c)
            c["id"] = f"appendix-{len(combined['cells'])}"
            combined["cells"].append(c)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(combined, f, indent=1, ensure_ascii=False)
    return 0


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    cmd, args = argv[0], argv[1:]
    if cmd == "hash":
        print(source_hash())
        return 0
    if cmd == "results-hash":
        print(results_hash())
        return 0
    if cmd == "check":
        return cmd_check(args)
    if cmd == "stamp":
        return cmd_stamp(args)
    if cmd == "combine" and len(args) >= 2:
        return cmd_combine(args)
    print(f"nbtool: unknown or incomplete command {argv!r} (see --help)", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
