#!/usr/bin/env bash
# docker/install-go.sh VERSION ARCH [SHA256] — installs Go's official release
# tarball go<VERSION>.linux-<ARCH>.tar.gz into /usr/local/go (used by
# docker/Dockerfile at build time; docker builds have internet access).
#
# SHA256 pins the tarball (Dockerfile build arg GO_SHA256). When it is empty,
# the checksum that Go publishes for that file on its download page
# (https://go.dev/dl/?mode=json&include=all) is used, and printed so that it
# can be pinned: docker build --build-arg GO_SHA256=<printed value> ...
# GO_DOWNLOAD_BASE overrides the download folder (a mirror), default https://go.dev/dl.
set -euo pipefail
ver=${1:?usage: install-go.sh VERSION ARCH [SHA256]}
arch=${2:?usage: install-go.sh VERSION ARCH [SHA256]}
sha=${3:-}
file="go${ver}.linux-${arch}.tar.gz"
base=${GO_DOWNLOAD_BASE:-https://go.dev/dl}

if [ -z "$sha" ]; then
  sha=$(curl -fsSL --retry 3 --max-time 60 "https://go.dev/dl/?mode=json&include=all" |
    python3 -c 'import json, sys
f = sys.argv[1]
print(next((x["sha256"] for r in json.load(sys.stdin) for x in r["files"] if x["filename"] == f), ""))' "$file") ||
    { echo "install-go: cannot read the published checksums from go.dev (no network?)" >&2; exit 1; }
  [ -n "$sha" ] || { echo "install-go: go.dev lists no file $file (wrong GO_VERSION or architecture?)" >&2; exit 1; }
  echo "install-go: GO_SHA256 not pinned; using the checksum published for $file: $sha"
  echo "install-go: pin it with: --build-arg GO_SHA256=$sha"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "install-go: downloading $base/$file ..."
curl -fsSL --retry 3 --max-time 600 -o "$tmp/$file" "$base/$file" ||
  { echo "install-go: download of $base/$file failed" >&2; exit 1; }
echo "$sha  $tmp/$file" | sha256sum -c - ||
  { echo "install-go: checksum mismatch for $file (expected $sha)" >&2; exit 1; }
rm -rf /usr/local/go
tar -C /usr/local -xzf "$tmp/$file"
/usr/local/go/bin/go version
