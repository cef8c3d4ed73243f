#!/usr/bin/env bash
# Set up a fresh Debian machine for journey_widgets. Idempotent: quick when everything is already there.
#
#   scripts/setup.sh demo   a virtualenv at .venv with the package and JupyterLab (`make demo`)
#   scripts/setup.sh test   also the test extras, Chromium for the browser tests, PostgreSQL (started on
#                           127.0.0.1) and Java for the backend suite (`make test`, `make setup`; the default)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
MODE=${1:-test}
case "$MODE" in
  demo) extra=lab ;;
  test) extra=test ;;
  *) echo "setup: unknown mode '$MODE' (use demo or test)" >&2; exit 2 ;;
esac

need_apt=()
command -v npm >/dev/null 2>&1 || need_apt+=(nodejs npm) # bundles (and type-checks) the builder's frontend (js/)
if [[ $MODE == test ]]; then
  command -v chromium >/dev/null 2>&1 || need_apt+=(chromium fonts-liberation)
  command -v pg_lsclusters >/dev/null 2>&1 || need_apt+=(postgresql)
  command -v java >/dev/null 2>&1 || need_apt+=(default-jre-headless) # PySpark in the backend tests
fi
if ((${#need_apt[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${need_apt[@]}"
  else
    echo "setup: please install these Debian packages: ${need_apt[*]}" >&2
  fi
fi
if [[ $MODE == test && $(id -u) -eq 0 ]] && command -v pg_lsclusters >/dev/null 2>&1; then
  bash scripts/postgres.sh start
fi

# The builder's frontend: esbuild bundles js/src into js/dist (what the widget loads), tsc type-checks it,
# axe-core is injected by the accessibility browser test.
(cd js && { [[ -d node_modules ]] || npm ci --no-audit --no-fund; } && npm run --silent build)

if [[ ! -x "$VENV/bin/python" ]]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip
fi
"$VENV/bin/pip" install -q -e ".[$extra]"
# The JupyterLab extension (labextension/): @jupyterlab/builder bundles it into journey_widgets/labextension, linked
# where JupyterLab finds prebuilt extensions (a wheel installs it there, see hatch_build.py).
(cd labextension && { [[ -d node_modules ]] || npm ci --no-audit --no-fund; } &&
  { log=$(npm run --silent build 2>&1) || { echo "$log" >&2; exit 1; }; })
mkdir -p "$VENV/share/jupyter/labextensions"
ln -sfn "$PWD/journey_widgets/labextension" "$VENV/share/jupyter/labextensions/journey-widgets"
"$VENV/bin/python" -c "import journey_widgets, ibis, duckdb, jupyterlab" # fail loudly if the install did not work
