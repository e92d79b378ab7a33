#!/usr/bin/env bash
# Export the translation template of stp_crm from an existing database (default stp_crm_demo).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
setup_all
odoo_cmd -d "${1:-stp_crm_demo}" -u stp_crm --i18n-export="$PROJECT_DIR/stp_crm/i18n/stp_crm.pot" \
    --modules=stp_crm --stop-after-init --log-level=warn
