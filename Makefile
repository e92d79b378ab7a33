.PHONY: run test lint bench

run:  ## set up, create/upgrade the demo database and serve http://localhost:8069
	bash scripts/run.sh

test:  ## run the whole suite on a throwaway database
	bash scripts/test.sh

lint:  ## ruff + pylint-odoo, as pre-commit runs them
	pre-commit run --all-files

bench:  ## tier recompute benchmark against native Odoo (not part of the tests)
	bash scripts/bench.sh

pot:  ## export stp_crm/i18n/stp_crm.pot from a database (DB=..., default stp_crm_demo) and msgmerge i18n/*.po
	bash scripts/pot.sh $(DB)
