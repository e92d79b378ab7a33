.PHONY: run test lint bench

run:  ## set up, create/upgrade the demo database and serve http://localhost:8069
	bash scripts/run.sh

test:  ## run the whole suite on a throwaway database
	bash scripts/test.sh

lint:  ## ruff + pylint-odoo, as pre-commit runs them
	pre-commit run --all-files

bench:  ## tier recompute benchmark against native Odoo (not part of the tests)
	bash scripts/bench.sh
