#!/usr/bin/env bash
# Set up a fresh Debian machine for journey_widgets: system packages (Chromium for browser tests,
# PostgreSQL and Java for the backend suite) and a virtualenv at .venv with the package and its
# test extras. Idempotent: quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium fonts-liberation)
command -v npm >/dev/null 2>&1 || need_apt+=(nodejs npm) # bundles and type-checks the frontend (js/)
command -v pg_lsclusters >/dev/null 2>&1 || need_apt+=(postgresql)
command -v java >/dev/null 2>&1 || need_apt+=(default-jre-headless) # PySpark in the backend tests
if ((${#need_apt[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${need_apt[@]}"
  else
    echo "setup: please install these Debian packages: ${need_apt[*]}" >&2
  fi
fi

if [[ $(id -u) -eq 0 ]] && command -v pg_lsclusters >/dev/null 2>&1; then
  bash scripts/postgres.sh start
fi

# The builder's frontend: esbuild bundles js/src into js/dist (what the widget loads), tsc type-checks it,
# axe-core is injected by the accessibility browser test.
(cd js && { [[ -d node_modules ]] || npm ci --no-audit --no-fund; } && npm run --silent build)

if [[ ! -x "$VENV/bin/python" ]]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip
fi
"$VENV/bin/pip" install -q -e ".[test]"
"$VENV/bin/python" -c "import journey_widgets, ibis, duckdb" # fail loudly if the install did not work
