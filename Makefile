.PHONY: run test lint bench

run:  ## set up, create/upgrade the demo database and serve http://localhost:8069
	bash scripts/run.sh

test:  ## run the whole suite on a throwaway database
	bash scripts/test.sh

lint:  ## ruff + pylint-odoo, as pre-commit runs them
	pre-commit run --all-files

bench:  ## STP CRM at 100,000 customers next to native Odoo, as ratios (slow; not part of the tests)
	bash scripts/bench.sh

pot:  ## export stp_crm/i18n/stp_crm.pot from a database with stp_crm installed (DB=...)
	bash scripts/pot.sh $(DB)
