#!/usr/bin/env bash
# docker/entrypoint.sh — the image's entry point.
#
#   docker run -p 8888:8888 coevolab           Jupyter notebook server on 0.0.0.0:8888,
#                                              opened on notebooks/, GoNB kernel ready;
#                                              it prints the URL with its token
#   docker run coevolab make test              any command: run as given
#   docker run -v "$PWD/results:/home/coevo/coevolab/results" coevolab coevo sweep --out results/runs
#
# Environment: JUPYTER_PORT (default 8888), JUPYTER_TOKEN (default: a random token,
# printed in the URL), GOMLX_BACKEND (default: the lab's choice, see environment.md).
set -euo pipefail
cd "${COEVO_HOME:-$HOME/coevolab}"

if [ $# -eq 0 ] || [ "$1" = notebook ] || [ "$1" = jupyter ]; then
  if [ $# -gt 0 ]; then shift; fi
  mkdir -p notebooks
  # Quick (well under a second) when the image is intact; repairs the kernel
  # registration when $HOME was replaced by a volume.
  bash scripts/setup.sh --server --no-system
  port=${JUPYTER_PORT:-8888}
  echo "entrypoint: starting Jupyter on 0.0.0.0:${port} (notebooks/ of $(pwd)); open the http://127.0.0.1:${port}/?token=... URL printed below"
  exec jupyter notebook --ip=0.0.0.0 --port="$port" --no-browser \
    --notebook-dir="$(pwd)/notebooks" "$@"
fi
exec "$@"
