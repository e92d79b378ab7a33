#!/usr/bin/env bash
# `make bench`: STP CRM at 100,000 customers next to native Odoo, on database
# stp_crm_bench (built once and kept between runs; STP_CRM_BENCH_DB to change it), then
# 50,000 tickets and a 10,000-event timeline on <that database>_tickets (bench/bench_tickets.py).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
setup_all
DB="${STP_CRM_BENCH_DB:-stp_crm_bench}"
bench_on() {  # bench_on DB SCRIPT
    if ! psql -d postgres -Atc "select 1 from pg_database where datname='$1'" | grep -q 1; then
        odoo_cmd -d "$1" -i stp_crm --without-demo=all --stop-after-init --log-level=warn
    else  # kept between runs: bring it to the code being measured
        odoo_cmd -d "$1" -u stp_crm --stop-after-init --log-level=warn
    fi
    # shellcheck disable=SC2046
    "$PYTHON" -m odoo shell --addons-path="$ADDONS_PATH" --data-dir="$ODOO_DATA_DIR" $(odoo_db_args) \
        -d "$1" --log-level=warn --no-http --max-cron-threads=0 < "$PROJECT_DIR/bench/$2"
}
bench_on "$DB" bench_scale.py
bench_on "${DB}_tickets" bench_tickets.py
