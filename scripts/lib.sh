# Shared settings and helpers for the project's scripts. Source it, don't run it.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${CREDIT_VENV:-$ROOT/.venv}
PY=$VENV/bin/python
export PGHOST=${PGHOST:-localhost}
export PGPORT=${PGPORT:-5432}
export PGUSER=${PGUSER:-odoo}
export PGPASSWORD=${PGPASSWORD:-odoo}
ADDONS_PATH=$ROOT
export PATH=$VENV/node/node_modules/.bin:$PATH

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Run the Odoo 11 command line of the project's environment. A subcommand
# (`odoo_bin shell -d DB`) must come first, before the database options.
odoo_bin() {
    local command=()
    case "${1:-}" in
        shell | scaffold | deploy) command=("$1"); shift ;;
    esac
    "$PY" "$ROOT/runtime/odoo-bin" "${command[@]}" --db_host="$PGHOST" --db_port="$PGPORT" \
        --db_user="$PGUSER" --db_password="$PGPASSWORD" \
        --addons-path="$ADDONS_PATH" "$@"
}

# Drop a database if it exists, then create it empty.
recreate_db() {
    dropdb --if-exists "$1"
    createdb -O "$PGUSER" "$1"
}
