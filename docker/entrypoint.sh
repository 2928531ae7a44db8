#!/usr/bin/env bash
# docker/entrypoint.sh — the image's entry point.
#
#   docker run -p 8888:8888 coevolab           Jupyter notebook server on 0.0.0.0:8888,
#                                              opened on notebooks/, GoNB kernel ready;
#                                              it prints the URL with its token
#   docker run -p 8888:8888 coevolab notebook [JUPYTER FLAGS]
#                                              the same, with more flags for `jupyter notebook`
#                                              (also: jupyter, jupyter notebook [FLAGS])
#   docker run coevolab make test              any other command: run as given
#   docker run -v "$PWD/results:/home/coevo/coevolab/results" coevolab coevo sweep --out results/sweep
#
# Environment: COEVO_HOME (the checkout, default $HOME/coevolab), JUPYTER_PORT
# (default 8888), JUPYTER_IP (default 0.0.0.0), JUPYTER_TOKEN (default: a random
# token, printed in the URL), GOMLX_BACKEND (default: the lab's choice, see
# environment.md). As root (docker run --user root, or CI's smoke test) the
# server gets --allow-root.
set -euo pipefail
cd "${COEVO_HOME:-$HOME/coevolab}"

server=0
if [ $# -eq 0 ]; then
  server=1
elif [ "$1" = notebook ]; then
  server=1; shift
elif [ "$1" = jupyter ] && { [ $# -eq 1 ] || [ "$2" = notebook ]; }; then
  # `jupyter` or `jupyter notebook ...`; other jupyter commands run as given.
  server=1; shift
  if [ $# -gt 0 ]; then shift; fi
fi

if [ "$server" = 1 ]; then
  mkdir -p notebooks
  # Quick (well under a second) when the image is intact; repairs the kernel
  # registration when $HOME was replaced by a volume.
  bash scripts/setup.sh --server --no-system
  port=${JUPYTER_PORT:-8888}
  ip=${JUPYTER_IP:-0.0.0.0}
  extra=()
  if [ "$(id -u)" = 0 ]; then extra+=(--allow-root); fi
  echo "entrypoint: starting Jupyter on ${ip}:${port} (notebooks/ of $(pwd)); open the http://127.0.0.1:${port}/ URL with its token, printed below"
  exec jupyter notebook --ip="$ip" --port="$port" --no-browser \
    --notebook-dir="$(pwd)/notebooks" ${extra[@]+"${extra[@]}"} "$@"
fi
exec "$@"
