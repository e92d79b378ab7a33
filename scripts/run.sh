#!/usr/bin/env bash
# `make run`: set up what is missing, create or upgrade the demo database, serve it.
# A new database is a Vietnamese company (STP_CRM_COUNTRY=VN: Odoo installs l10n_vn and
# the company works in VND) with the interface in STP_CRM_LANG (vi_VN; en_US for English).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
setup_all

DB="${STP_CRM_DB:-stp_crm_demo}"
PORT="${STP_CRM_PORT:-8069}"
LANG_CODE="${STP_CRM_LANG:-vi_VN}"
COUNTRY="${STP_CRM_COUNTRY-VN}"

if psql -d postgres -Atc "select 1 from pg_database where datname='$DB'" | grep -q 1; then
    log "upgrading stp_crm in the existing database $DB"
    enable_unaccent "$DB"
    odoo_cmd -d "$DB" -u stp_crm --stop-after-init --log-level=warn
else
    log "creating database $DB: country ${COUNTRY:-none}, language $LANG_CODE, demo data (admin/admin)"
    create_database "$DB" "$LANG_CODE" "$COUNTRY" --unaccent
    odoo_cmd -d "$DB" -i stp_crm --stop-after-init --log-level=warn
fi
log "STP CRM is served on http://localhost:$PORT (login admin / password admin)"
exec "$PYTHON" -m odoo --addons-path="$ADDONS_PATH" --data-dir="$ODOO_DATA_DIR" $(odoo_db_args) \
    -d "$DB" --db-filter="^$DB\$" --http-port="$PORT" --unaccent "$@"
