#!/usr/bin/env bash
# The PostgreSQL server of the backend tests, on 127.0.0.1:5432 (Debian's postgresql package):
#   scripts/postgres.sh start   start the cluster, create role and database "journey" (password "journey")
#   scripts/postgres.sh stop    stop the cluster
# The tests connect to $JOURNEY_POSTGRES_URL (default postgres://journey:journey@127.0.0.1:5432/journey).
set -euo pipefail
cluster=$(pg_lsclusters --no-header | awk 'NR == 1 {print $1, $2}')
if [[ -z $cluster ]]; then
  echo "postgres.sh: no PostgreSQL cluster; install Debian's postgresql package" >&2
  exit 1
fi
case ${1:-start} in
  start)
    # shellcheck disable=SC2086
    pg_ctlcluster $cluster start 2>/dev/null || pg_ctlcluster $cluster status >/dev/null
    as_postgres() { su postgres -c "$1"; }
    if [[ -z $(as_postgres "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname = 'journey'\"") ]]; then
      as_postgres "psql -qc \"CREATE ROLE journey LOGIN SUPERUSER PASSWORD 'journey'\""
    fi
    if [[ -z $(as_postgres "psql -tAc \"SELECT 1 FROM pg_database WHERE datname = 'journey'\"") ]]; then
      as_postgres "createdb -O journey journey"
    fi
    ;;
  stop)
    # shellcheck disable=SC2086
    pg_ctlcluster $cluster stop
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
