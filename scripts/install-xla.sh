#!/usr/bin/env bash
# scripts/install-xla.sh — installs the XLA CPU PJRT plugin (make xla).
#
#   bash scripts/install-xla.sh [--prefix LIBDIR] [--check]
#
# The lab runs everywhere on GoMLX's pure-Go backend; XLA is optional and
# faster on big batches. XLA needs a PJRT plugin (a .so file) on disk, which
# this script downloads with go-xla's own installer (package
# github.com/gomlx/go-xla/installer, the library behind go-xla's
# cmd/pjrt_installer), at the version pinned by the go-xla release the lab is
# built with (go-xla v0.4.1 installs PJRT CPU v0.114.0). The small program that
# calls it is tools/xla, a separate module pinning go-xla v0.4.1 in its go.sum.
#
#   --prefix LIBDIR  install into LIBDIR/go-xla (default: ~/.local/lib/go-xla on
#                    Linux, ~/Library/Application Support/go-xla on macOS; the
#                    docker image uses /usr/local/lib, i.e. /usr/local/lib/go-xla).
#                    go-xla searches ~/.local/lib/go-xla and /usr/local/lib/go-xla
#                    (and LD_LIBRARY_PATH, /etc/ld.so.conf) unless
#                    PJRT_PLUGIN_LIBRARY_PATH lists the folders to search.
#   --check          only check that the download server can be reached.
#
# The plugin comes from GitHub releases: the script first probes the network
# with a short timeout (a few seconds) and stops with exit status 3 and a clear
# message when it cannot be reached (offline machines, firewalls), instead of
# hanging. It is idempotent: an installed plugin of the pinned version is kept.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || { echo "install-xla: --prefix needs a folder" >&2; exit 2; }
              args+=("-prefix=$2"); shift ;;
    --prefix=*) args+=("-prefix=${1#--prefix=}") ;;
    --check) args+=(-probe_only) ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "install-xla: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

command -v go >/dev/null 2>&1 || { echo "install-xla: ERROR: 'go' is not on PATH (run make setup / see environment.md)" >&2; exit 1; }
case "$(uname -s)/$(uname -m)" in
  Linux/x86_64|Linux/aarch64|Darwin/arm64) ;;
  *) echo "install-xla: ERROR: go-xla has no prebuilt CPU plugin for $(uname -s)/$(uname -m); use the pure-Go backend (GOMLX_BACKEND=go)" >&2; exit 1 ;;
esac

echo "install-xla: building go-xla's installer (tools/xla, go-xla $(cd "$repo/tools/xla" && go list -m -f '{{.Version}}' github.com/gomlx/go-xla)) ..."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$repo/tools/xla" && go build -buildvcs=false -o "$tmp/install-xla" .) ||
  { echo "install-xla: ERROR: building tools/xla failed (is the Go module proxy reachable?)" >&2; exit 1; }
rc=0
"$tmp/install-xla" ${args[@]+"${args[@]}"} || rc=$?
case "$rc" in
  0) ;;
  3) echo "install-xla: no network: the XLA plugin was NOT installed (the pure-Go backend still works)." >&2; exit 3 ;;
  *) echo "install-xla: ERROR: the installation failed (exit $rc)." >&2; exit "$rc" ;;
esac
if [ ${#args[@]} -eq 0 ] || [[ "${args[*]}" != *-probe_only* ]]; then
  echo "install-xla: done. The lab picks XLA CPU automatically when GOMLX_BACKEND is unset;"
  echo "install-xla: force a backend with GOMLX_BACKEND=xla:cpu or GOMLX_BACKEND=go (see environment.md)."
fi
