.PHONY: run test test-any-day lint bench pot

run:  ## set up, create/upgrade the demo database and serve http://localhost:8069
	bash scripts/run.sh

test:  ## run the whole suite on a throwaway database
	bash scripts/test.sh

test-any-day:  ## the whole suite with the clock a year ahead, then on 29 February (libfaketime)
	STP_CRM_FAKETIME=+365d bash scripts/test.sh
	STP_CRM_FAKETIME="@2028-02-29 09:00:00" bash scripts/test.sh

lint:  ## ruff + pylint-odoo, as pre-commit runs them
	pre-commit run --all-files

bench:  ## tier recompute benchmark against native Odoo (not part of the tests)
	bash scripts/bench.sh

pot:  ## export stp_crm/i18n/stp_crm.pot from a database (DB=..., default stp_crm_demo) and msgmerge i18n/*.po
	bash scripts/pot.sh $(DB)
