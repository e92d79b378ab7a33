#!/usr/bin/env bash
# STP CRM under several workers, a streaming read replica and concurrent users, on
# this machine only (127.0.0.1). Starts, in a temporary directory:
#   * a PostgreSQL primary (a fresh local cluster) holding a copy of $SOURCE_DB,
#   * a streaming replica of it (pg_basebackup -R, another port),
#   * Odoo with --workers=$WORKERS (4) --max-cron-threads=2 --db_replica_host/port, on $HTTP_PORT,
#   * a fake Zalo and an SMTP sink (bench/fake_services.py, ports the system picks): the
#     copy's Zalo URLs, IAP/SMS endpoints and outgoing mail all point there, its other mail
#     servers are archived, and only the STP CRM crons and Odoo's mail queue stay active,
# drives it with locust/OdooLocust (bench/locustfile.py) for $DURATION with $USERS users
# while the STP CRM crons (Zalo sending among them) and the mail queue run, reports
# requests/s and p50/p95 per operation, then checks: no server error, no duplicate
# contract/ticket number, every created record present once, the p95 of the list and
# kanban reads under $LIST_P95_MS ms, every queued Zalo message and email sent once, the
# replica used for the read calls. Stops everything it started.
#
#   SOURCE_DB=h4 USERS=20 DURATION=60s bash bench/scale_out.sh
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROJECT_DIR="$(dirname "$HERE")"
SOURCE_DB="${SOURCE_DB:?name the database to copy (with stp_crm installed and demo data), e.g. SOURCE_DB=h4}"
SOURCE_FILESTORE="${SOURCE_FILESTORE:-$PROJECT_DIR/.odoo-data/filestore/$SOURCE_DB}"
USERS="${USERS:-20}"
DURATION="${DURATION:-60s}"
PG_PORT="${PG_PORT:-55432}"
REPLICA_PORT="${REPLICA_PORT:-55433}"
HTTP_PORT="${HTTP_PORT:-18069}"
SPAWN_RATE="${SPAWN_RATE:-1}"  # users started per second (50 logins at once overflow Odoo's listen backlog)
LIST_P95_MS="${LIST_P95_MS:-1000}"
WORKERS="${WORKERS:-4}"  # HTTP workers (Odoo's rule of thumb: 2 per core + 1)
# A cron worker runs every due job (each up to 10 batches) between two pings of Odoo's
# watchdog: the limit covers that whole round, here every STP CRM job due at once.
CRON_LIMIT="${CRON_LIMIT:-900}"
DB="${LOAD_DB:-stp_load}"  # in the temporary cluster only
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
LOCUST="${LOCUST:-$PROJECT_DIR/.cache/locust-venv/bin/locust}"
ODOO_ADDONS="$PROJECT_DIR,${ODOO_SRC:-/opt/odoo18}/odoo/addons"

WORK="$(mktemp -d /tmp/stp_scale_out.XXXXXX)"
chmod 755 "$WORK"
ODOO_PID=""
WAKE_PID=""
FAKE_PID=""

log() { printf '\033[1;34m[scale_out]\033[0m %s\n' "$*" >&2; }
as_pg() { su postgres -s /bin/bash -c "$*"; }
sql() { psql -h 127.0.0.1 -p "$1" -U postgres -d "$2" -v ON_ERROR_STOP=1 -Atc "$3"; }

cleanup() {
    log "stopping everything this script started"
    [ -n "$WAKE_PID" ] && kill "$WAKE_PID" 2>/dev/null || true
    [ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null || true
    if [ -n "$ODOO_PID" ] && kill "$ODOO_PID" 2>/dev/null; then
        # A second signal makes Odoo stop without waiting for its workers to finish.
        for _i in $(seq 15); do kill -0 "$ODOO_PID" 2>/dev/null || break; sleep 1; done
        kill -INT "$ODOO_PID" 2>/dev/null || true
        wait "$ODOO_PID" 2>/dev/null || true
    fi
    for cluster in replica primary; do
        [ -f "$WORK/$cluster/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl -D $WORK/$cluster -m fast -w stop" >/dev/null 2>&1 || true
    done
    [ -n "${KEEP_WORK:-}" ] && log "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

[ -x "$LOCUST" ] || { log "installing locust and odoolocust in $PROJECT_DIR/.cache/locust-venv"; \
    python3 -m venv "$PROJECT_DIR/.cache/locust-venv" && "$PROJECT_DIR/.cache/locust-venv/bin/pip" install -q locust odoolocust; }

log "primary cluster on port $PG_PORT, copy of $SOURCE_DB"
chown postgres "$WORK"
as_pg "$PGBIN/initdb -D $WORK/primary --auth=trust -U postgres >/dev/null"
cat >> "$WORK/primary/postgresql.conf" <<EOF
port = $PG_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$WORK'
max_connections = 200
wal_level = replica
max_wal_senders = 4
hot_standby = on
shared_buffers = 256MB
EOF
as_pg "$PGBIN/pg_ctl -D $WORK/primary -l $WORK/primary.log -w start >/dev/null"
sql "$PG_PORT" postgres "CREATE ROLE root SUPERUSER LOGIN" >/dev/null
sql "$PG_PORT" postgres "CREATE DATABASE $DB OWNER root" >/dev/null
# unaccent immutable before the restore, as `make run` and `make test` make it (pg_dump does not
# carry that ALTER of an extension's function): else the trigram indexes on unaccent() fail to build.
sql "$PG_PORT" "$DB" "CREATE EXTENSION IF NOT EXISTS unaccent; ALTER FUNCTION unaccent(text) IMMUTABLE" >/dev/null
pg_dump -d "$SOURCE_DB" --no-owner | psql -q -h 127.0.0.1 -p "$PG_PORT" -U root -d "$DB" >/dev/null
mkdir -p "$WORK/odoo-data/filestore"
[ -d "$SOURCE_FILESTORE" ] && cp -r "$SOURCE_FILESTORE" "$WORK/odoo-data/filestore/$DB"

log "streaming replica on port $REPLICA_PORT (pg_basebackup -R)"
as_pg "$PGBIN/pg_basebackup -h 127.0.0.1 -p $PG_PORT -U postgres -D $WORK/replica -R -X stream --checkpoint=fast"
echo "port = $REPLICA_PORT" >> "$WORK/replica/postgresql.conf"
as_pg "$PGBIN/pg_ctl -D $WORK/replica -l $WORK/replica.log -w start >/dev/null"
[ "$(sql "$REPLICA_PORT" postgres "SELECT pg_is_in_recovery()")" = t ] || { log "the replica is not in recovery"; exit 1; }

log "fake Zalo and SMTP sink (bench/fake_services.py)"
mkdir -p "$WORK/fake"
python3 "$HERE/fake_services.py" "$WORK/fake" --max-seconds 7200 >"$WORK/fake/ports" 2>"$WORK/fake/stderr" &
FAKE_PID=$!
for _i in $(seq 50); do [ -s "$WORK/fake/ports" ] && break; sleep 0.2; done
read -r ZALO_URL SMTP_PORT <"$WORK/fake/ports"
[ -n "$SMTP_PORT" ] || { log "the fake services did not start"; cat "$WORK/fake/stderr" >&2; exit 1; }

# Nothing leaves this machine: Zalo, IAP and SMS at the fake, mail at the sink (Odoo's
# --smtp; the copy's own mail servers archived), and only the STP CRM crons and the mail
# queue active (Odoo's other crons call IAP, snailmail or the publisher's server).
# The crons run during the load: every customer due for re-tiering, every STP CRM job due
# now, the mail queue every minute.
sql "$PG_PORT" "$DB" "UPDATE res_partner SET stp_tier_date = NULL;
    DELETE FROM ir_config_parameter WHERE key IN ('stp_crm.zalo_oauth_url', 'stp_crm.zalo_zns_url',
        'stp_crm.zalo_openapi_url', 'iap.endpoint', 'sms.endpoint', 'enrich.endpoint');
    INSERT INTO ir_config_parameter (key, value) SELECT key, '$ZALO_URL' FROM unnest(ARRAY['stp_crm.zalo_oauth_url',
        'stp_crm.zalo_zns_url', 'stp_crm.zalo_openapi_url', 'iap.endpoint', 'sms.endpoint', 'enrich.endpoint']) key;
    UPDATE ir_mail_server SET active = false;
    UPDATE ir_cron SET active = id IN (SELECT res_id FROM ir_model_data WHERE model = 'ir.cron'
        AND (module = 'stp_crm' OR (module, name) = ('mail', 'ir_cron_mail_scheduler_action')));
    UPDATE ir_cron SET interval_number = 1, interval_type = 'minutes' WHERE id = (SELECT res_id FROM ir_model_data
        WHERE model = 'ir.cron' AND module = 'mail' AND name = 'ir_cron_mail_scheduler_action');
    UPDATE ir_cron SET nextcall = now() at time zone 'UTC' WHERE active" >/dev/null
wake_crons() {  # what ir.cron._trigger() sends: cron workers wake up instead of sleeping 60 s
    # Cron workers LISTEN in the "postgres" database, as ir.cron._notifydb() notifies.
    while sleep 10; do sql "$PG_PORT" postgres "SELECT pg_notify('cron_trigger', '$DB')" >/dev/null || true; done
}

log "Odoo: $WORKERS workers, 2 cron workers, reads on the replica, http://127.0.0.1:$HTTP_PORT"
python3 "${ODOO_SRC:-/opt/odoo18}/odoo-bin" --addons-path="$ODOO_ADDONS" --data-dir="$WORK/odoo-data" -d "$DB" --db-filter="^$DB\$" \
    --db_host=127.0.0.1 --db_port="$PG_PORT" --db_user=root \
    --db_replica_host=127.0.0.1 --db_replica_port="$REPLICA_PORT" \
    --workers="$WORKERS" --max-cron-threads=2 --http-port="$HTTP_PORT" --gevent-port="$((HTTP_PORT + 1))" \
    --smtp=127.0.0.1 --smtp-port="$SMTP_PORT" \
    --http-interface=127.0.0.1 --limit-time-real=120 --limit-time-real-cron="$CRON_LIMIT" \
    --logfile="$WORK/odoo.log" --log-level=info 2>"$WORK/odoo.stderr" &
ODOO_PID=$!
for _i in $(seq 120); do
    curl -fs "http://127.0.0.1:$HTTP_PORT/web/health" >/dev/null 2>&1 && break
    sleep 1
done
# Each worker loads the registry on its first request: warm them all before measuring.
warm=()
for _i in $(seq 12); do curl -fs -o /dev/null -m 120 "http://127.0.0.1:$HTTP_PORT/web/login?db=$DB" & warm+=($!); done
wait "${warm[@]}" || true

# A Zalo account of the fake (its token expiring in 11 minutes: the Zalo cron, 10 minutes
# ahead, refreshes it during the load) and a ZNS template filled from the customer, for the
# users' composer.
ZALO_TEMPLATE=$(python3 - "http://127.0.0.1:$HTTP_PORT" "$DB" <<'PY'
import datetime, json, sys, urllib.request

url, db = sys.argv[1:]


def call(model, method, *args):
    payload = {"jsonrpc": "2.0", "method": "call", "params": {"service": "object", "method": "execute_kw",
               "args": [db, 2, "admin", model, method, list(args)]}}
    request = urllib.request.Request(url + "/jsonrpc", json.dumps(payload).encode(),
                                     {"Content-Type": "application/json"})
    answer = json.load(urllib.request.urlopen(request, timeout=300))
    if "error" in answer:
        sys.exit(json.dumps(answer["error"])[:2000])
    return answer["result"]


expires = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=11)
account = call("stp.crm.zalo.account", "create", {
    "name": "OA tải thử", "oa_id": "oa-load", "app_id": "app-load", "app_secret": "app-secret",
    "oa_secret_key": "oa-secret", "access_token": "old-access", "refresh_token": "old-refresh",
    "token_expires_at": expires.strftime("%Y-%m-%d %H:%M:%S")})
print(call("stp.crm.zalo.template", "create", {
    "account_id": account, "name": "Cảm ơn khách hàng (tải thử)", "zalo_template_id": "tpl-load",
    "model": "res.partner", "template_data": json.dumps({"customer_name": "{{ object.name }}"}),
    "purpose": "care", "state": "enabled"}))
PY
)
mail_before=$(sql "$PG_PORT" "$DB" "SELECT coalesce(max(id), 0) FROM mail_mail")
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

replica_reads() { sql "$REPLICA_PORT" postgres "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '$DB'"; }
primary_tx() { sql "$PG_PORT" postgres "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '$DB'"; }
replica_before=$(replica_reads)
primary_before=$(primary_tx)

log "locust: $USERS users for $DURATION"
wake_crons &
WAKE_PID=$!
STP_LOAD_DB="$DB" STP_LOAD_PORT="$HTTP_PORT" STP_LOAD_CREATED="$WORK/created.tsv" STP_LOAD_ZALO_TEMPLATE="$ZALO_TEMPLATE" \
    /usr/bin/time -f "%U %S" -o "$WORK/locust.cpu" "$LOCUST" -f "$HERE/locustfile.py" --headless --users "$USERS" --spawn-rate "$SPAWN_RATE" --run-time "$DURATION" \
    --host "http://127.0.0.1:$HTTP_PORT" --csv "$WORK/locust" --only-summary >"$WORK/locust.out" 2>&1 || true
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
replica_after=$(replica_reads)
primary_after=$(primary_tx)
# The queues drain: Zalo messages and emails queued in the last seconds are sent by the next
# cron calls (at most 3 minutes).
pending() { sql "$PG_PORT" "$DB" "SELECT (SELECT count(*) FROM stp_crm_zalo_message WHERE state = 'queued'
        AND template_id = $ZALO_TEMPLATE)
    + (SELECT count(*) FROM mail_mail WHERE id > $mail_before AND state = 'outgoing')"; }
for _i in $(seq 36); do
    [ "$(pending)" = 0 ] && break
    sql "$PG_PORT" "$DB" "UPDATE ir_cron SET nextcall = now() at time zone 'UTC' WHERE id = (SELECT res_id
        FROM ir_model_data WHERE model = 'ir.cron' AND module = 'mail' AND name = 'ir_cron_mail_scheduler_action')" >/dev/null
    sleep 5
done
kill "$WAKE_PID" 2>/dev/null || true
kill "$FAKE_PID" 2>/dev/null && wait "$FAKE_PID" 2>/dev/null || true
FAKE_PID=""

echo
echo "## Load: $USERS users, $DURATION, $WORKERS workers + 2 cron workers, primary + streaming replica"
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load average before $load_before, at the end $load_after"
# The load generator shares the cores with the server it measures: what it took of them.
read -r locust_user locust_sys < <(tail -1 "$WORK/locust.cpu") || true  # after time's exit-status line
echo "locust's own CPU time: ${locust_user:-?} s user + ${locust_sys:-?} s system"
python3 - "$WORK/locust_stats.csv" <<'PY'
import csv, sys
print(f"| {'operation':<34} | {'requests':>8} | {'failures':>8} | {'req/s':>6} | {'p50 ms':>6} | {'p95 ms':>6} |")
print(f"|{'-' * 36}|{'-' * 10}|{'-' * 10}|{'-' * 8}|{'-' * 8}|{'-' * 8}|")
for r in csv.DictReader(open(sys.argv[1])):
    print(f"| {r['Name'][:34]:<34} | {r['Request Count']:>8} | {r['Failure Count']:>8} | {float(r['Requests/s']):6.1f} "
          f"| {r['50%']:>6} | {r['95%']:>6} |")
PY

failed=0
check() { if [ "$2" = ok ]; then echo "- [x] $1"; else echo "- [ ] $1: $2"; failed=1; fi; }
echo
echo "## Checks"
failures=$(python3 -c "import csv,sys; print(sum(int(r['Failure Count']) for r in csv.DictReader(open(sys.argv[1])) if r['Name'] != 'Aggregated'))" "$WORK/locust_stats.csv")
# Two users moving the same card: PostgreSQL refuses one update, odoo.sql_db logs the query at
# ERROR level and Odoo retries the request (SERIALIZATION_FAILURE): a retry, not a server error.
retries=$(grep -c "SERIALIZATION_FAILURE" "$WORK/odoo.log" || true)
server_errors=$(grep -E " (ERROR|CRITICAL) " "$WORK/odoo.log" | grep -vc "odoo.sql_db: bad query" || true)
http_500=$(grep -cE '" 50[0-9] ' "$WORK/odoo.log" || true)
check "zero failed requests" "$([ "$failures" = 0 ] && echo ok || echo "$failures failed (see $WORK/locust_failures.csv)")"
check "zero server errors ($http_500 HTTP 5xx, $retries concurrent updates retried by Odoo)" \
    "$([ "$server_errors" = 0 ] && [ "$http_500" = 0 ] && echo ok || echo "$server_errors ERROR lines, $http_500 HTTP 5xx")"
dups=$(sql "$PG_PORT" "$DB" "SELECT count(*) FROM (SELECT number FROM stp_crm_ticket GROUP BY company_id, number HAVING count(*) > 1
    UNION ALL SELECT number FROM stp_crm_contract WHERE number IS NOT NULL GROUP BY company_id, number HAVING count(*) > 1) d")
check "no duplicate ticket or contract number" "$([ "$dups" = 0 ] && echo ok || echo "$dups duplicated numbers")"
created=$(wc -l < "$WORK/created.tsv")
psql -q -h 127.0.0.1 -p "$PG_PORT" -U root -d "$DB" -c "CREATE TABLE stp_load_created (model varchar, name varchar)" \
    -c "\\copy stp_load_created FROM '$WORK/created.tsv'"
wrong=$(sql "$PG_PORT" "$DB" "SELECT count(*) FROM stp_load_created c WHERE 1 <> CASE c.model
    WHEN 'stp.crm.ticket' THEN (SELECT count(*) FROM stp_crm_ticket t WHERE t.name = c.name)
    ELSE (SELECT count(*) FROM stp_crm_contract k WHERE k.name = c.name) END")
check "every created record present once ($created created)" "$([ "$wrong" = 0 ] && [ "$created" -gt 0 ] && echo ok || echo "$wrong missing or doubled")"
list_p95=$(python3 - "$WORK/locust_stats.csv" "$HERE" <<'PY'
import csv, sys
sys.path.insert(0, sys.argv[2])
prefixes = ("board: columns", "board: cards", "timeline: page", "tickets: ", "customers: list")
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["Name"].startswith(prefixes) and r["95%"] != "N/A"]
worst = max(rows, key=lambda r: float(r["95%"]), default=None)
print(f"{float(worst['95%']):.0f} {worst['Name'].replace(' ', '_')}" if worst else "0 none")
PY
)
read -r list_p95_ms list_p95_name <<<"$list_p95"
check "p95 of every list and kanban read under $LIST_P95_MS ms (worst: ${list_p95_name//_/ }, $list_p95_ms ms)" \
    "$([ "$list_p95_ms" -lt "$LIST_P95_MS" ] && echo ok || echo "not reached")"
zalo_states=$(sql "$PG_PORT" "$DB" "SELECT string_agg(state || ' ' || n, ', ') FROM (SELECT state, count(*) n
    FROM stp_crm_zalo_message WHERE template_id = $ZALO_TEMPLATE GROUP BY state ORDER BY state) s")
zalo_sent=$(sql "$PG_PORT" "$DB" "SELECT count(*) FROM stp_crm_zalo_message WHERE template_id = $ZALO_TEMPLATE AND state = 'sent'")
zalo_all=$(sql "$PG_PORT" "$DB" "SELECT count(*) FROM stp_crm_zalo_message WHERE template_id = $ZALO_TEMPLATE")
zns=$(python3 -c "
import json, sys, collections
calls = [json.loads(line) for line in open(sys.argv[1])]
zns = collections.Counter(c['tracking_id'] for c in calls if c['path'] == '/message/template')
print(sum(zns.values()), sum(n - 1 for n in zns.values()), sum(c['path'] == '/v4/oa/access_token' for c in calls))
" "$WORK/fake/zalo.jsonl")
read -r zns_calls zns_twice token_refreshes <<<"$zns"
check "every queued Zalo message sent once (${zalo_states:-none}; $zns_calls ZNS calls to the fake Zalo, $token_refreshes token refresh)" \
    "$([ "$zalo_all" -gt 0 ] && [ "$zalo_sent" = "$zalo_all" ] && [ "$zns_calls" = "$zalo_sent" ] && [ "$zns_twice" = 0 ] \
        && echo ok || echo "$zalo_sent of $zalo_all sent, $zns_calls ZNS calls, $zns_twice sent twice")"
mail_left=$(sql "$PG_PORT" "$DB" "SELECT coalesce(string_agg(state || ' ' || n, ', '), 'none') FROM (SELECT state, count(*) n
    FROM mail_mail WHERE id > $mail_before GROUP BY state ORDER BY state) s")
mail_bad=$(sql "$PG_PORT" "$DB" "SELECT count(*) FROM mail_mail WHERE id > $mail_before AND state IN ('outgoing', 'exception')")
smtp=$(python3 -c "
import json, sys, collections
sent = collections.Counter((m['message_id'], tuple(m['to'])) for m in map(json.loads, open(sys.argv[1])))
print(sum(sent.values()), sum(n - 1 for n in sent.values()))
" "$WORK/fake/smtp.jsonl")
read -r smtp_messages smtp_twice <<<"$smtp"
check "every queued email sent once ($smtp_messages received by the SMTP sink; mail.mail of the load left: $mail_left)" \
    "$([ "$smtp_messages" -gt 0 ] && [ "$mail_bad" = 0 ] && [ "$smtp_twice" = 0 ] \
        && echo ok || echo "$mail_bad not sent, $smtp_twice sent twice")"
replica_tx=$((replica_after - replica_before))
primary_load_tx=$((primary_after - primary_before))
ro_calls=$(grep -cE 'call_(kw|button)/.* 200 .* ro *$' "$WORK/odoo.log" || true)
rw_calls=$(grep -cE 'call_(kw|button)/.* 200 .* (rw|ro->rw) *$' "$WORK/odoo.log" || true)
check "the replica served the read calls ($ro_calls web calls read-only, $rw_calls read/write; $replica_tx transactions on the replica, $primary_load_tx on the primary)" \
    "$([ "$replica_tx" -gt 100 ] && [ "$ro_calls" -gt "$rw_calls" ] && echo ok || echo "only $replica_tx")"
echo "- cron calls during the load (ir.cron's log):"
grep -oE "Job '(STP CRM|Mail: Email Queue)[^']*' \([0-9]+\) processed [0-9]+ records" "$WORK/odoo.log" \
    | awk -F"'" '{split($3, w, " "); calls[$2]++; done[$2] += w[3]} END {for (j in calls) printf "    %s: %d calls, %d records\n", j, calls[j], done[j]}' || true
exit $failed
