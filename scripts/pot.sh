#!/usr/bin/env bash
# `make pot`: export stp_crm/i18n/stp_crm.pot from a database with stp_crm installed (default
# stp_crm_demo, upgraded first so the template matches the code), then bring every translation
# (i18n/*.po) up to date with msgmerge. New terms come out with an empty msgstr for a translator
# to fill in (Poedit, Weblate or by hand); the translation test fails until they are.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
setup_all
command -v msgmerge >/dev/null || apt_install gettext
I18N="$PROJECT_DIR/stp_crm/i18n"
DB="${1:-stp_crm_demo}"
# Upgrade, then export, in two runs: an export run that also upgrades leaves the module
# marked as installed without its demo data (Odoo 18), and later tests then miss it.
odoo_cmd -d "$DB" -u stp_crm --stop-after-init --log-level=warn
odoo_cmd -d "$DB" --i18n-export="$I18N/stp_crm.pot" --modules=stp_crm --log-level=warn
for po in "$I18N"/*.po; do
    msgmerge --quiet --no-fuzzy-matching --update --backup=none "$po" "$I18N/stp_crm.pot"
    log "$(basename "$po"): $(msgfmt --statistics --check -o /dev/null "$po" 2>&1)"
done
