#!/usr/bin/env bash
# Odoo's own lint (the pylint run of Odoo's test_lint module) on the add-on, tests included:
# the same checkers and options as odoo/addons/test_lint/tests/test_pylint.py. Exits non-zero on findings.
# One difference: `# pylint: disable=` comments naming pylint-odoo's checks (which `make lint` runs
# through pre-commit) are not "unknown options" here.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
find_odoo_src
find_python
ensure_python_tools

CHECKERS="$ODOO_SRC/odoo/addons/test_lint/tests"
[ -d "$CHECKERS" ] || die "Odoo's lint checkers are missing ($CHECKERS)"

log "Odoo's lint (test_lint checkers) on stp_crm"
cd "$PROJECT_DIR"
PYTHONPATH="$CHECKERS:$ODOO_SRC${PYTHONPATH:+:$PYTHONPATH}" ADDONS_PATH="$(odoo_addons_path | tr , :)" \
    "$PYTHON" -m pylint --rcfile=/dev/null --disable=all,useless-option-value \
    --enable=used-before-assignment,undefined-variable,eval-used,unreachable,function-redefined,sql-injection,gettext-variable,gettext-placeholders,gettext-repr,raise-unlink-override \
    --disable=unknown-option-value \
    --reports=n --score=n --msg-template='{msg} ({msg_id}) at {path}:{line}' \
    --load-plugins=_pylint_path_setup,pylint.extensions.bad_builtin,_odoo_checker_sql_injection,_odoo_checker_gettext,_odoo_checker_unlink_override \
    --bad-functions=input \
    stp_crm
