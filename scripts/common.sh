#!/usr/bin/env bash
# Shared set-up for `make run` and `make test`: finds (or provides) Odoo 18.0,
# a Python that can run it, and a PostgreSQL server. Sourced, not executed.
set -euo pipefail

PROJECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="$PROJECT_DIR/.cache"
ODOO_DATA_DIR="${ODOO_DATA_DIR:-$PROJECT_DIR/.odoo-data}"
ODOO_TARBALL_URL="${ODOO_TARBALL_URL:-https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz}"
# Tools the scripts run besides Odoo: tours, tests, Odoo's lint (its checkers need pylint 3), the wheel (whool).
PYTHON_PACKAGES=(websocket-client phonenumbers pytest-odoo "setuptools<81" "pylint<4" whool)

log() { printf '\033[1;34m[stp_crm]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[stp_crm] %s\033[0m\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        die "need root to run: $*"; fi
}

apt_install() {
    # Installs the Debian packages that are missing; a no-op when all are there.
    local missing=()
    for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    command -v apt-get >/dev/null || die "missing system packages (${missing[*]}) and no apt-get"
    log "installing system packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# --- Odoo source -----------------------------------------------------------
find_odoo_src() {
    if [ -n "${ODOO_SRC:-}" ]; then
        [ -f "$ODOO_SRC/odoo/release.py" ] || die "ODOO_SRC=$ODOO_SRC is not an Odoo source tree"
        return
    fi
    local imported
    if imported=$(cd / && python3 -c 'import os, odoo; print(os.path.dirname(os.path.dirname(odoo.__file__)))' 2>/dev/null); then
        ODOO_SRC="$imported"
        log "using the importable odoo at $ODOO_SRC"
        return
    fi
    ODOO_SRC="$CACHE_DIR/odoo-18.0"
    if [ ! -f "$ODOO_SRC/odoo/release.py" ]; then
        log "downloading the official Odoo 18.0 source"
        mkdir -p "$ODOO_SRC"
        curl -fL --retry 3 "$ODOO_TARBALL_URL" | tar -xz -C "$ODOO_SRC" --strip-components=1
    fi
}

# Odoo source trees keep their add-ons in odoo/addons (and, in the official
# layout, also in addons/). A tree whose odoo/addons already holds the apps
# must not get its top-level addons/ (an older copy in some repackagings).
odoo_addons_path() {
    local paths="$PROJECT_DIR,$ODOO_SRC/odoo/addons"
    if [ ! -d "$ODOO_SRC/odoo/addons/crm" ] && [ -d "$ODOO_SRC/addons" ]; then
        paths="$PROJECT_DIR,$ODOO_SRC/addons,$ODOO_SRC/odoo/addons"
    fi
    echo "$paths"
}

# --- Python ----------------------------------------------------------------
python_is_ready() {
    (cd / && PYTHONPATH="$ODOO_SRC${PYTHONPATH:+:$PYTHONPATH}" "$1" - <<'PY' 2>/dev/null
import odoo, psycopg2, werkzeug, lxml, babel, passlib, PyPDF2, reportlab, num2words  # noqa
assert odoo.release.version_info[:2] == (18, 0)
PY
    )
}

find_python() {
    if python_is_ready python3; then PYTHON=python3; return; fi
    local venv="$PROJECT_DIR/.venv"
    if [ ! -x "$venv/bin/python" ] || ! python_is_ready "$venv/bin/python"; then
        apt_install python3-venv python3-dev build-essential libpq-dev libldap2-dev libsasl2-dev \
            libxml2-dev libxslt1-dev libjpeg-dev zlib1g-dev
        log "creating $venv with Odoo's requirements"
        [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
        local constraints="$CACHE_DIR/constraints.txt"
        mkdir -p "$CACHE_DIR" && echo 'setuptools<81' > "$constraints"
        PIP_CONSTRAINT="$constraints" "$venv/bin/pip" install -q -r "$ODOO_SRC/requirements.txt" "${PYTHON_PACKAGES[@]}"
    fi
    PYTHON="$venv/bin/python"
}

# The tools of PYTHON_PACKAGES, added to the chosen Python once: a stamp named after that
# Python and the package list (in .venv, or .cache for another Python) skips the check on the
# next runs; a changed list makes a new stamp. The import check sees Odoo (pytest_odoo imports it).
tools_stamp() {
    local key dir="$CACHE_DIR"
    key=$(printf '%s\n' "$PYTHON" "${PYTHON_PACKAGES[@]}" | sha1sum | cut -c1-16)
    [ "$PYTHON" = "$PROJECT_DIR/.venv/bin/python" ] && dir="$PROJECT_DIR/.venv"
    echo "$dir/.stp_crm-tools-$key"
}

ensure_python_tools() {
    local stamp
    stamp="$(tools_stamp)"
    [ -f "$stamp" ] && return
    if ! (cd / && PYTHONPATH="$ODOO_SRC${PYTHONPATH:+:$PYTHONPATH}" "$PYTHON" -c \
        'import odoo, websocket, phonenumbers, pytest_odoo, pylint, whool' 2>/dev/null); then
        log "installing ${PYTHON_PACKAGES[*]}"
        "$PYTHON" -m pip install -q "${PYTHON_PACKAGES[@]}"
    fi
    mkdir -p "$(dirname "$stamp")" && touch "$stamp"
}

# --- PostgreSQL --------------------------------------------------------------
# Uses the server the libpq variables (PGHOST, PGPORT, PGUSER) or the local
# socket reach; without one, starts a private cluster under .pgdata/.
find_postgres() {
    if pg_answers; then return; fi
    apt_install postgresql
    local bindir pgdata="$PROJECT_DIR/.pgdata"
    bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
    if [ ! -f "$pgdata/PG_VERSION" ]; then
        log "initialising a private PostgreSQL cluster in $pgdata"
        run_as_pg_owner "$bindir/initdb" -D "$pgdata" -A trust -U "$(pg_user)" >/dev/null
    fi
    export PGHOST="$pgdata" PGPORT=54329
    if ! pg_answers; then
        run_as_pg_owner "$bindir/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w \
            -o "-k $pgdata -p $PGPORT -c listen_addresses=''" start >/dev/null
    fi
    pg_answers || die "could not start PostgreSQL (see $pgdata/server.log)"
}

pg_user() { echo "${PGUSER:-$(id -un)}"; }
pg_answers() { psql -d postgres -Atc 'select 1' >/dev/null 2>&1; }
run_as_pg_owner() {
    # initdb refuses root: the private cluster then belongs to the postgres account.
    if [ "$(id -u)" = 0 ]; then
        chown -R postgres "$PROJECT_DIR/.pgdata" 2>/dev/null || { mkdir -p "$PROJECT_DIR/.pgdata"; chown postgres "$PROJECT_DIR/.pgdata"; }
        su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
    else
        "$@"
    fi
}

odoo_db_args() {
    local args=()
    [ -n "${PGHOST:-}" ] && args+=("--db_host=$PGHOST")
    [ -n "${PGPORT:-}" ] && args+=("--db_port=$PGPORT")
    [ -n "${PGUSER:-}" ] && args+=("--db_user=$PGUSER")
    [ -n "${PGPASSWORD:-}" ] && args+=("--db_password=$PGPASSWORD")
    echo "${args[@]}"
}

setup_all() {
    command -v psql >/dev/null || apt_install postgresql-client
    find_odoo_src
    find_python
    ensure_python_tools
    find_postgres
    ADDONS_PATH="$(odoo_addons_path)"
    export PYTHONPATH="$ODOO_SRC${PYTHONPATH:+:$PYTHONPATH}"
    mkdir -p "$ODOO_DATA_DIR"
}

odoo_cmd() {
    # shellcheck disable=SC2046
    "$PYTHON" -m odoo --addons-path="$ADDONS_PATH" --data-dir="$ODOO_DATA_DIR" $(odoo_db_args) "$@"
}

# Searches that ignore diacritics ("nguyen van an" finds "Nguyễn Văn An"): PostgreSQL's
# unaccent in database $1, immutable as Odoo's --unaccent makes it when it creates a database
# (then its trigram indexes include it; stp_crm's are remade at the next upgrade). Needs the
# right to create extensions and to alter their functions (a superuser); without it, a warning.
enable_unaccent() {
    psql -d "$1" -q -c "CREATE EXTENSION IF NOT EXISTS unaccent" -c "ALTER FUNCTION unaccent(text) IMMUTABLE" \
        || log "could not enable unaccent in $1: searches keep their diacritics (see docs/scaling.md)"
}

# Creates database $1 as Odoo's database manager does: language $2 loaded and given to
# admin (password admin), company country $3 (with its currency and chart of accounts),
# demo data. Odoo logs a failed initialisation and goes on: check_run.py asserts the result.
create_database() {
    # shellcheck disable=SC2046
    "$PYTHON" - "$@" --addons-path="$ADDONS_PATH" --data-dir="$ODOO_DATA_DIR" $(odoo_db_args) <<'PY'
import sys

import odoo
from odoo.service import db

name, lang, country = sys.argv[1:4]
odoo.tools.config.parse_config(sys.argv[4:])  # --unaccent: the extension, as Odoo's database manager makes it
db.exp_create_database(name, True, lang, "admin", "admin", country or None)
PY
}

