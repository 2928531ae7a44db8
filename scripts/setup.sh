#!/usr/bin/env bash
# scripts/setup.sh — the one setup script of coevolab.
#
# Used by `make setup` (and `make run`), by CI (.ci/run) and by the docker image
# (docker/Dockerfile). It is idempotent and quick when nothing is missing: every
# step first checks, and only acts when something is missing or out of date.
#
# Steps:
#   1. Go: checks that the Go toolchain is at least the version go.mod needs.
#   2. System packages (Debian/Ubuntu, through apt-get, only when missing; an
#      `apt-get update` is done first only then):
#        base     ca-certificates git make python3 gcc libc6-dev (HTTPS to the
#                 module proxy, VCS stamps of builds, the Makefile, the notebook
#                 scripts, cgo for the XLA backend): always checked;
#        Jupyter  jupyter-nbconvert jupyter-client python3-ipykernel, and
#                 jupyter-notebook with --server (not with --no-jupyter);
#        docker   curl tini with --docker (the image's Go download and PID 1).
#      Without root or password-less sudo, missing base packages are a warning
#      (an error with --docker), missing Jupyter packages an error (a warning
#      with --jupyter-optional). Elsewhere (macOS...) it checks that git, make,
#      python3 and `jupyter nbconvert` work and says how to install them (see
#      environment.md). This step never needs Go (--system-only runs before Go
#      is installed in the docker image).
#   3. Go tools, built from the versions pinned in the repository (never
#      "@latest"): gonb and goimports from the main go.mod's `tool` lines,
#      gopls from tools/gopls/go.mod. They go into the tools bin folder:
#      $COEVO_TOOLS_BIN, else $(go env GOBIN), else the first entry of
#      $(go env GOPATH) + /bin. A tool is rebuilt only when missing or built at
#      another version (read back with `go version -m`).
#   4. The GoNB Jupyter kernel: `gonb --install` (which refuses to run unless
#      goimports and gopls are on PATH) when the kernel "gonb" is not
#      registered, points to a missing binary, or to a gonb of another version.
#      The kernel's kernel.json then gets an env PATH entry that puts the tools
#      bin folder and Go's bin folder first, so the kernel finds go, goimports
#      and gopls even when Jupyter is started from a shell whose PATH lacks them.
#   5. `go mod download` for the main module (a no-op when the cache is full).
#
# Options (each also has an environment variable):
#   --server            also install the Jupyter notebook server      (COEVO_SETUP_SERVER=1)
#   --docker            also install curl and tini (what only the docker image
#                       needs) and fail if any package cannot be installed
#                                                                     (COEVO_SETUP_DOCKER=1)
#   --system-only       only step 2, then stop; needs no Go (docker's root step)
#   --no-system         never run apt-get; missing packages are reported as
#                       above (Jupyter: error, base: warning)      (COEVO_SETUP_SYSTEM=0)
#   --jupyter-optional  warn instead of failing when Jupyter/GoNB cannot be set up
#                       (used by `make run`: the main job does not need Jupyter)
#                                                                     (COEVO_SETUP_JUPYTER=optional)
#   --no-jupyter        skip the Jupyter packages and step 4           (COEVO_SETUP_JUPYTER=0)
#   -h, --help
#
# HOME and GOPATH: with GOPATH unset, Go uses $HOME/go, so GOMODCACHE is
# $HOME/go/pkg/mod and the tools land in $HOME/go/bin; GOCACHE defaults to
# $HOME/.cache/go-build (or $XDG_CACHE_HOME/go-build) and settings made with
# `go env -w` live in $HOME/.config/go/env. A fresh HOME therefore means a cold
# module cache, a cold build cache and no `go env -w` settings, unless GOPATH,
# GOMODCACHE and GOCACHE are exported. The Jupyter kernel is always registered
# under the current HOME ($HOME/.local/share/jupyter/kernels/gonb on Linux,
# $HOME/Library/Jupyter/kernels/gonb on macOS, or $JUPYTER_DATA_DIR/kernels/gonb).
# To test from a fresh HOME without downloading everything again:
#   GOPATH=$(go env GOPATH) GOMODCACHE=$(go env GOMODCACHE) GOCACHE=$(go env GOCACHE) \
#     HOME=$(mktemp -d) bash scripts/setup.sh
set -euo pipefail

# ---------------------------------------------------------------- options ---
server=${COEVO_SETUP_SERVER:-0}
docker=${COEVO_SETUP_DOCKER:-0}
system=${COEVO_SETUP_SYSTEM:-1}
jupyter=${COEVO_SETUP_JUPYTER:-1}   # 1 (required), optional, 0 (skip)
system_only=0

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --server) server=1 ;;
    --docker) docker=1 ;;
    --system-only) system_only=1 ;;
    --no-system) system=0 ;;
    --jupyter-optional) jupyter=optional ;;
    --no-jupyter) jupyter=0 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "setup: unknown option '$1' (see: bash scripts/setup.sh --help)" >&2; exit 2 ;;
  esac
  shift
done

# --------------------------------------------------------------- helpers ---
SECONDS=0
step="start"
say()  { printf 'setup: %s\n' "$*"; }
warn() { printf 'setup: WARNING: %s\n' "$*" >&2; }
die()  { printf 'setup: ERROR: %s\n' "$*" >&2; exit 1; }
on_err() {
  local rc=$?
  printf 'setup: FAILED (exit %s) during step: %s\n' "$rc" "$step" >&2
  printf 'setup: fix the problem above and run `bash scripts/setup.sh` again (it is safe to re-run).\n' >&2
  exit "$rc"
}
trap on_err ERR

# jupyter_problem MSG: fatal unless Jupyter is optional.
jupyter_ok=1
jupyter_problem() {
  if [ "$jupyter" = optional ]; then
    warn "$*"
    warn "continuing without Jupyter/GoNB (the notebooks will not run; 'make setup' reports this as an error)"
    jupyter_ok=0
  else
    die "$*"
  fi
}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

# ------------------------------------------------------------ 1. Go ---------
step="checking the Go toolchain"
if [ "$system_only" = 0 ]; then
  command -v go >/dev/null 2>&1 ||
    die "the 'go' command is not on PATH. Install Go $(awk '$1=="go"{print $2}' go.mod) or newer (https://go.dev/dl/, see environment.md) and re-run."
  need=$(awk '$1=="go"{print $2; exit}' go.mod)
  have=$(cd / && GOTOOLCHAIN=local go env GOVERSION 2>/dev/null) ||
    have=$(cd / && GOTOOLCHAIN=local go version | awk '{print $3}')
  have=${have#go}
  # version_lt A B: true when version A < version B (numeric, dot-separated; no sort -V on macOS).
  version_lt() { awk -v a="$1" -v b="$2" 'BEGIN{n=split(a,x,".");m=split(b,y,".");k=(n>m?n:m);
    for(i=1;i<=k;i++){if(x[i]+0<y[i]+0)exit 0;if(x[i]+0>y[i]+0)exit 1}exit 1}'; }
  if version_lt "$have" "$need"; then
    if [ "$(go env GOTOOLCHAIN)" = local ]; then
      die "Go $need or newer is needed, found Go $have (and GOTOOLCHAIN=local forbids switching). Install Go $need (see environment.md)."
    fi
    say "Go $have is older than go.mod's $need: the go command will fetch toolchain go$need through the module proxy"
  fi
  say "Go $have ($(command -v go)); GOPATH=$(go env GOPATH) GOMODCACHE=$(go env GOMODCACHE)"
fi

# ----------------------------------------------------- 2. system packages ---
step="installing system packages"
base_pkgs=(ca-certificates git make python3 gcc libc6-dev)
jupyter_pkgs=()
if [ "$jupyter" != 0 ]; then
  jupyter_pkgs=(jupyter-nbconvert jupyter-client python3-ipykernel)
  if [ "$server" = 1 ]; then jupyter_pkgs+=(jupyter-notebook); fi
fi
docker_pkgs=()
if [ "$docker" = 1 ]; then docker_pkgs=(curl tini); fi
pkgs=("${base_pkgs[@]}" ${jupyter_pkgs[@]+"${jupyter_pkgs[@]}"} ${docker_pkgs[@]+"${docker_pkgs[@]}"})

# cannot_install REASON: the packages in $missing cannot be installed here.
# Jupyter ones are fatal unless Jupyter is optional; the others only warn
# (the lab's Go code builds without them), except with --docker.
cannot_install() {
  local reason=$1 p others=() jup=()
  for p in "${missing[@]}"; do
    case " ${jupyter_pkgs[*]-} " in
      *" $p "*) jup+=("$p") ;;
      *) others+=("$p") ;;
    esac
  done
  if [ ${#others[@]} -gt 0 ]; then
    local msg="missing Debian packages: ${others[*]} ($reason). Install them with: sudo apt-get install -y --no-install-recommends ${others[*]}"
    if [ "$docker" = 1 ]; then die "$msg"; fi
    warn "$msg"
    warn "(git: builds in a git checkout; make: the Makefile; python3: the notebook scripts; gcc, libc6-dev: the XLA backend (cgo); ca-certificates: HTTPS)"
  fi
  if [ ${#jup[@]} -gt 0 ]; then
    jupyter_problem "missing Debian packages: ${jup[*]} ($reason). Install them with: sudo apt-get install -y --no-install-recommends ${jup[*]}   then re-run this script."
  fi
}

if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  missing=()
  for p in "${pkgs[@]}"; do
    if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]; then
      missing+=("$p")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    say "system packages present: ${pkgs[*]}"
  elif [ "$system" = 0 ]; then
    cannot_install "--no-system/COEVO_SETUP_SYSTEM=0 forbids apt-get"
  else
    sudo=()
    if [ "$(id -u)" != 0 ]; then
      if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo=(sudo -n)
      else
        cannot_install "this user is neither root nor has password-less sudo"
        missing=()
      fi
    fi
    if [ ${#missing[@]} -gt 0 ]; then
      say "installing missing Debian packages: ${missing[*]} (apt-get update + install, about a minute) ..."
      export DEBIAN_FRONTEND=noninteractive
      aptlog=$(mktemp)
      if ! ${sudo[@]+"${sudo[@]}"} apt-get update >"$aptlog" 2>&1; then
        tail -n 20 "$aptlog" >&2
        die "'apt-get update' failed: the Debian package archive cannot be reached (offline? proxy?). See environment.md, Troubleshooting."
      fi
      if ! ${sudo[@]+"${sudo[@]}"} apt-get install -y --no-install-recommends "${missing[@]}" >"$aptlog" 2>&1; then
        tail -n 30 "$aptlog" >&2
        die "'apt-get install ${missing[*]}' failed (see the messages above; full log: $aptlog)."
      fi
      rm -f "$aptlog"
      say "installed: ${missing[*]}"
    fi
  fi
else
  # Not Debian: check the commands only.
  [ "$docker" = 0 ] || die "--docker needs a Debian-like system (apt-get, dpkg-query)"
  nocmd=()
  for c in git make python3 cc; do
    command -v "$c" >/dev/null 2>&1 || nocmd+=("$c")
  done
  if [ ${#nocmd[@]} -gt 0 ]; then
    warn "missing commands: ${nocmd[*]} (git: builds in a git checkout; make: the Makefile; python3: the notebook scripts; cc: the XLA backend). On macOS: 'xcode-select --install' (and 'brew install python')."
  fi
  if [ "$jupyter" != 0 ]; then
    if command -v jupyter >/dev/null 2>&1 && jupyter nbconvert --version >/dev/null 2>&1; then
      say "no apt-get here; found Jupyter: $(command -v jupyter) (nbconvert $(jupyter nbconvert --version))"
      if [ "$server" = 1 ] && ! jupyter notebook --version >/dev/null 2>&1; then
        jupyter_problem "the Jupyter notebook server is missing: install it (macOS: 'brew install jupyterlab' or 'pipx install --include-deps notebook')."
      fi
    else
      jupyter_problem "Jupyter (with nbconvert) is not installed and this is not a Debian-like system. On macOS: 'brew install jupyterlab' (or 'pipx install --include-deps jupyterlab'); see environment.md."
    fi
  fi
fi

if [ "$system_only" = 1 ]; then
  say "system packages done (--system-only)"
  exit 0
fi

# ---------------------------------------------------------- 3. Go tools -----
step="building the pinned Go tools (gonb, goimports, gopls)"
bin=${COEVO_TOOLS_BIN:-$(go env GOBIN)}
if [ -z "$bin" ]; then
  gopath=$(go env GOPATH)
  bin="${gopath%%:*}/bin"
fi
mkdir -p "$bin" || die "cannot create the tools folder $bin (set COEVO_TOOLS_BIN to a writable folder)"
bin=$(cd "$bin" && pwd)
case ":$PATH:" in
  *":$bin:"*) on_path=1 ;;
  *) on_path=0; export PATH="$bin:$PATH" ;;
esac

# build_tool NAME PACKAGE MODULE_DIR MODULE_PATH: build PACKAGE (from the
# module in MODULE_DIR, whose go.mod pins MODULE_PATH) into $bin/NAME, unless
# the binary there was already built from that version of MODULE_PATH.
build_tool() {
  local name=$1 pkg=$2 dir=$3 mod=$4 want have
  want=$(cd "$dir" && go list -m -f '{{.Version}}' "$mod") ||
    die "cannot read the pinned version of $mod in $dir/go.mod"
  have=$(go version -m "$bin/$name" 2>/dev/null |
    awk -v m="$mod" '($1=="mod" || $1=="dep") && $2==m {print $3; exit}' || true)
  if [ "$have" = "$want" ]; then
    say "$name $want present ($bin/$name)"
    return 0
  fi
  if [ -n "$have" ]; then
    say "rebuilding $name: $bin/$name is $mod $have, the pinned version is $want"
  else
    say "building $name ($mod $want) into $bin ..."
  fi
  (cd "$dir" && go build -buildvcs=false -o "$bin/$name.tmp.$$" "$pkg") ||
    { rm -f "$bin/$name.tmp.$$"; die "building $name ($pkg) failed (is the Go module proxy reachable? see environment.md)"; }
  mv -f "$bin/$name.tmp.$$" "$bin/$name"
}
build_tool gonb      github.com/janpfeifer/gonb      "$repo"             github.com/janpfeifer/gonb
build_tool goimports golang.org/x/tools/cmd/goimports "$repo"            golang.org/x/tools
build_tool gopls     golang.org/x/tools/gopls        "$repo/tools/gopls" golang.org/x/tools/gopls

# ------------------------------------------------------ 4. GoNB kernel ------
step="registering the GoNB Jupyter kernel"
kernel_dir=""
if [ "$jupyter" != 0 ] && [ "$jupyter_ok" = 1 ]; then
  if ! command -v jupyter >/dev/null 2>&1; then
    jupyter_problem "'jupyter' is not on PATH after installing it (PATH=$PATH)"
  fi
fi
if [ "$jupyter" != 0 ] && [ "$jupyter_ok" = 1 ]; then
  py=python3
  # Prefer the python that runs jupyter (Debian's /usr/bin/python3).
  jpy=$(head -n1 "$(command -v jupyter)" 2>/dev/null | sed -n 's/^#! *\([^ ]*\).*/\1/p')
  if [ -n "$jpy" ] && [ -x "$jpy" ]; then py=$jpy; fi
  go_bin_dir=$(dirname "$(command -v go)")

  # kernel_state prints "<state> <resource_dir>", state one of:
  # missing, broken (binary missing), other (another gonb version), nopath (our
  # PATH entry absent), ok.
  kernel_state() {
    local json
    json=$(jupyter kernelspec list --json 2>/dev/null) || { echo "missing -"; return; }
    KS_JSON=$json BIN="$bin" GOBINDIR="$go_bin_dir" "$py" - <<'EOF'
import json, os, subprocess
specs = json.loads(os.environ["KS_JSON"]).get("kernelspecs", {})
k = specs.get("gonb")
if not k:
    print("missing -"); raise SystemExit
rd = k.get("resource_dir", "-")
argv = (k.get("spec") or {}).get("argv") or []
exe = argv[0] if argv else ""
if not exe or not os.access(exe, os.X_OK):
    print("broken", rd); raise SystemExit
def gonb_version(p):
    try:
        out = subprocess.run(["go", "version", "-m", p], capture_output=True, text=True).stdout
    except OSError:
        return None
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 3 and f[0] in ("mod", "dep") and f[1] == "github.com/janpfeifer/gonb":
            return f[2]
    return None
if gonb_version(exe) != gonb_version(os.path.join(os.environ["BIN"], "gonb")):
    print("other", rd); raise SystemExit
path = ((k.get("spec") or {}).get("env") or {}).get("PATH", "")
want = os.environ["BIN"] + ":" + os.environ["GOBINDIR"] + ":"
print("ok" if path.startswith(want) else "nopath", rd)
EOF
  }

  read -r state kernel_dir < <(kernel_state)
  case "$state" in
    ok) say "GoNB kernel registered ($kernel_dir)" ;;
    missing|broken|other)
      case "$state" in
        missing) say "registering the GoNB kernel (gonb --install) ..." ;;
        broken)  say "the GoNB kernel in $kernel_dir points to a missing binary: re-registering ..." ;;
        other)   say "the GoNB kernel in $kernel_dir runs another gonb version: re-registering ..." ;;
      esac
      # gonb --install exits with an error unless goimports and gopls are on PATH.
      if ! (cd "$repo" && "$bin/gonb" --install) 2>&1 | sed 's/^/setup:   gonb: /'; then
        jupyter_problem "'gonb --install' failed (see above)"
      fi
      read -r state kernel_dir < <(kernel_state)
      ;;
  esac
  if [ "$jupyter_ok" = 1 ]; then
    if [ "$state" = missing ] || [ "$state" = broken ] || [ "$kernel_dir" = - ]; then
      jupyter_problem "the GoNB kernel is still not registered (jupyter kernelspec list does not show 'gonb')"
    fi
    if [ "$state" != ok ]; then
      # Add (or fix) env.PATH in kernel.json; jupyter_client expands ${PATH}.
      if ! "$py" - "$kernel_dir/kernel.json" "$bin" "$go_bin_dir" <<'EOF'
import json, sys
path, bin_dir, go_dir = sys.argv[1:4]
with open(path) as f:
    spec = json.load(f)
spec.setdefault("env", {})["PATH"] = bin_dir + ":" + go_dir + ":${PATH}"
with open(path, "w") as f:
    json.dump(spec, f, indent=1)
    f.write("\n")
EOF
      then
        jupyter_problem "could not write $kernel_dir/kernel.json"
      fi
      say "GoNB kernel registered ($kernel_dir), with PATH=$bin:$go_bin_dir:\${PATH}"
    fi
  fi
fi

# ------------------------------------------------------- 5. Go modules ------
step="downloading Go modules (go mod download)"
go mod download || die "'go mod download' failed: the Go module proxy cannot be reached (GOPROXY=$(go env GOPROXY)). See environment.md, Troubleshooting."
say "Go modules present (go mod download)"

# -------------------------------------------------------------- summary -----
say "done in ${SECONDS} s"
if [ "$on_path" = 0 ]; then
  say "NOTE: the tools folder $bin is not on your PATH. The Makefile adds it by itself;"
  say "      to use gonb/goimports/gopls from your shell, add:  export PATH=\"$bin:\$PATH\""
fi
