#!/usr/bin/env bash
# `make test`: the whole suite on a throwaway database, browser tours included.
# Fails when Odoo's own lint finds something, or a test fails, errors, or is skipped
# (Odoo skips tours without Chrome).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
apt_install chromium wkhtmltopdf fonts-dejavu-core fonts-roboto-unhinted gettext poppler-utils
setup_all
bash "$PROJECT_DIR/scripts/odoo_lint.sh"

# STP_CRM_FAKETIME moves the clock of the test process (libfaketime, e.g. "+365d" or
# "@2028-02-29 09:00:00"): the suite must pass on any day (make test-any-day).
CLOCK=()
if [ -n "${STP_CRM_FAKETIME:-}" ]; then
    apt_install faketime
    CLOCK=(faketime -f "$STP_CRM_FAKETIME")
    log "tests run with the clock at $(faketime -f "$STP_CRM_FAKETIME" date -u '+%F %T UTC')"
fi

DB="${STP_CRM_TEST_DB:-stp_crm_test_$$}"
cleanup() { [ -n "${KEEP_TEST_DB:-}" ] || dropdb --if-exists "$DB" >/dev/null 2>&1 || true; }
trap cleanup EXIT

log "installing stp_crm (with demo data) into the throwaway database $DB"
# --unaccent: the new database gets PostgreSQL's unaccent (searches without diacritics).
odoo_cmd -d "$DB" -i stp_crm --stop-after-init --log-level=warn --unaccent

# The runner has its own process group under a hard time limit (STP_CRM_TEST_TIMEOUT seconds,
# default 75 minutes, inside CI's 90): whatever a test leaves behind (a browser, a thread), the
# group is killed once pytest has ended or run out of time, and `make test` returns its code.
TIMEOUT="${STP_CRM_TEST_TIMEOUT:-4500}"
# The live test server (HttpCase, XML-RPC, tours) listens on a free port of its own, never 8069:
# another `make test`, or a served `make run`, may run beside this one.
HTTP_PORT="${STP_CRM_TEST_HTTP_PORT:-$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
log "running stp_crm/tests and tests/ (at most ${TIMEOUT}s, test server on port $HTTP_PORT)"
cd "$PROJECT_DIR"
export STP_CRM_TEST_DB="$DB" STP_CRM_ADDONS_PATH="$ADDONS_PATH"
# shellcheck disable=SC2046
setsid "${CLOCK[@]}" timeout --foreground --kill-after=30 "$TIMEOUT" "$PYTHON" -m pytest stp_crm/tests tests -p no:cacheprovider \
    --odoo-database="$DB" --odoo-addons-path="$ADDONS_PATH" --odoo-http --odoo-log-level=warn \
    --odoo-extra="data-dir=$ODOO_DATA_DIR" --odoo-extra="http-port=$HTTP_PORT" --odoo-extra=max-cron-threads=0 $(for a in $(odoo_db_args); do echo "--odoo-extra=${a#--}"; done) \
    "$@" &
RUNNER=$!
trap 'kill -TERM -- "-$RUNNER" 2>/dev/null' INT TERM
status=0
wait "$RUNNER" || status=$?
kill -KILL -- "-$RUNNER" 2>/dev/null || true
[ "$status" = 124 ] && log "the tests ran past ${TIMEOUT}s and were stopped"
exit "$status"
