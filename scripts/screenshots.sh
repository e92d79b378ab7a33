#!/usr/bin/env bash
# Screenshots of the main screens into stp_crm/static/description/ (shown by index.html):
# serves the demo database of `make run` on a port of its own (not 8069), shoots, stops.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
apt_install chromium
setup_all

export STP_CRM_DB="${STP_CRM_DB:-stp_crm_demo}" STP_CRM_PORT="${STP_CRM_SHOTS_PORT:-8369}"
psql -d postgres -Atc "select 1 from pg_database where datname='$STP_CRM_DB'" | grep -q 1 \
    || die "no database $STP_CRM_DB: run \`make run\` first"

# shellcheck disable=SC2046
"$PYTHON" -m odoo --addons-path="$ADDONS_PATH" --data-dir="$ODOO_DATA_DIR" $(odoo_db_args) -d "$STP_CRM_DB" \
    --db-filter="^$STP_CRM_DB\$" --http-port="$STP_CRM_PORT" --max-cron-threads=0 --log-level=warn &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null' EXIT
for _ in $(seq 120); do
    curl -fs -o /dev/null "http://localhost:$STP_CRM_PORT/web/login" && break
    sleep 1
done
"$PYTHON" "$PROJECT_DIR/scripts/screenshots.py"
