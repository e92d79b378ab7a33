.PHONY: run test test-any-day lint bench pot

run:  ## set up, create/upgrade the demo database and serve http://localhost:8069
	bash scripts/run.sh

test:  ## run the whole suite on a throwaway database
	bash scripts/test.sh

test-any-day:  ## the whole suite with the clock a year ahead, then on 29 February (libfaketime)
	STP_CRM_FAKETIME=+365d bash scripts/test.sh
	STP_CRM_FAKETIME="@2028-02-29 09:00:00" bash scripts/test.sh

lint:  ## ruff + pylint-odoo, as pre-commit runs them, then Odoo's own lint (test_lint checkers)
	pre-commit run --all-files
	bash scripts/odoo_lint.sh

bench:  ## STP CRM at 100,000 customers next to native Odoo, as ratios (slow; not part of the tests)
	bash scripts/bench.sh

pot:  ## export stp_crm/i18n/stp_crm.pot from a database (DB=..., default stp_crm_demo) and msgmerge i18n/*.po
	bash scripts/pot.sh $(DB)

.PHONY: check-run screenshots
check-run:  ## with `make run` serving (same STP_CRM_* variables): assert over XML-RPC it is a Vietnamese company in VND
	python3 scripts/check_run.py

screenshots:  ## screenshots of the main screens of the demo database into stp_crm/static/description/
	bash scripts/screenshots.sh
