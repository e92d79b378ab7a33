#!/usr/bin/env bash
# `make bench`: STP CRM at 100,000 customers next to native Odoo, on database
# stp_crm_bench (built once and kept between runs; STP_CRM_BENCH_DB to change it).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
setup_all
DB="${STP_CRM_BENCH_DB:-stp_crm_bench}"
if ! psql -d postgres -Atc "select 1 from pg_database where datname='$DB'" | grep -q 1; then
    odoo_cmd -d "$DB" -i stp_crm --without-demo=all --stop-after-init --log-level=warn
else  # kept between runs: bring it to the code being measured
    odoo_cmd -d "$DB" -u stp_crm --stop-after-init --log-level=warn
fi
# shellcheck disable=SC2046
"$PYTHON" -m odoo shell --addons-path="$ADDONS_PATH" --data-dir="$ODOO_DATA_DIR" $(odoo_db_args) \
    -d "$DB" --log-level=warn --no-http --max-cron-threads=0 < "$PROJECT_DIR/bench/bench_scale.py"
