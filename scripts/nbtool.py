#!/usr/bin/env python3
"""nbtool — checks and stamps the lab's GoNB notebooks (python3 standard library only).

    python3 scripts/nbtool.py hash                  print the lab's source hash
    python3 scripts/nbtool.py stamp NB.ipynb...     record the source hash in NB's metadata
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
  * a figure cell without a picture: every code cell whose source calls
    gonbui.Display... (DisplayPNG, DisplaySVG, DisplayHTML, ...) or that is
    tagged "figure" (cell metadata "tags") must have an image/png,
    image/svg+xml, image/jpeg or text/html output; and a notebook that has
    figure cells must hold at least one real picture (an image/* output, or
    HTML containing <svg or <img: GoNB's DisplaySVG sends HTML);
  * staleness (skipped with --no-stale, or only warned with COEVO_NB_STALE=warn):

The staleness rule. `make notebooks` executes each notebook in place and then
stamps it: metadata.coevolab = {"source_hash": S, "cells_hash": C, ...}.
  S = sha256 over the lab's sources: every *.go file under coevo/ that is not
      a _test.go file nor under a testdata/ folder, plus go.mod and go.sum
      (their relative paths and contents, in sorted path order). So any change
      to the library's code or to a dependency version makes S change.
  C = sha256 over the notebook's own code cells (their sources, in order).
A committed notebook is stale when it has no stamp, when its S differs from S
computed on the checkout (the library changed since the outputs were made),
or when its C differs from its current code cells (cells edited after the
last run). Fix: `make notebooks` (re-executes and re-stamps), then commit.
Markdown edits do not make a notebook stale. The stamp is written only after
a run without any of the errors above.
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
# What a cell that calls gonbui.Display... may show: a picture, or HTML or
# Markdown (gonbui.DisplayHTML / DisplayMarkdown, for tables).
FIGURE_MIMES = IMAGE_MIMES + ("text/html", "text/markdown")
DISPLAY_RE = re.compile(r"\bgonbui\.Display\w*\s*\(")
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
    h = hashlib.sha256()
    for rel in sorted(f.replace(os.sep, "/") for f in files):
        with open(os.path.join(root, rel), "rb") as f:
            data = f.read()
        h.update(rel.encode() + b"\0" + hashlib.sha256(data).hexdigest().encode() + b"\n")
    return h.hexdigest()


def text(x):
    return "".join(x) if isinstance(x, list) else (x or "")


def cells_hash(nb):
    h = hashlib.sha256()
    for c in nb.get("cells", []):
        if c.get("cell_type") == "code":
            h.update(text(c.get("source")).encode() + b"\0")
    return h.hexdigest()


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def problems(path, nb, stale_check, current_hash):
    """Returns (errors, warnings) for one notebook."""
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
            data = o.get("data") or {}
            if any(k in data for k in IMAGE_MIMES):
                has_picture = True
            html = text(data.get("text/html"))
            if "<svg" in html or "<img" in html:
                has_picture = True
        tags = (c.get("metadata") or {}).get("tags") or []
        if DISPLAY_RE.search(src) or "figure" in tags:
            has_figure_cell = True
            if not any(any(k in (o.get("data") or {}) for k in FIGURE_MIMES) for o in outs):
                errs.append(f"{where}: displays a figure (gonbui.Display... or tag 'figure') "
                            "but has no image or HTML output")
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
    bad = 0
    for p in paths:
        try:
            nb = load(p)
        except (OSError, ValueError) as e:
            print(f"FAIL {p}: not a readable notebook: {e}")
            bad += 1
            continue
        errs, warns = problems(p, nb, stale_check, current)
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
    rc = 0
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
        md["coevolab"] = {
            "source_hash": h,
            "cells_hash": cells_hash(nb),
            "executed_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "go": go_version(),
            "gomlx_backend": os.environ.get("GOMLX_BACKEND", ""),
            "machine": f"{platform.system()}/{platform.machine()}, {os.cpu_count()} CPUs",
        }
        with open(p, "w", encoding="utf-8") as f:
            json.dump(nb, f, indent=1, ensure_ascii=False)
            f.write("\n")
        print(f"stamped {p} (sources {h[:12]})")
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
