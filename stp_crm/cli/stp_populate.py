import logging
import optparse
import sys
import time
from pathlib import Path

import odoo
from odoo.cli import Command

_logger = logging.getLogger(__name__)

DEFAULT_MODELS = "res.partner,stp.crm.installed.product,stp.crm.ticket,stp.crm.work.plan,stp.crm.contract"


class StpPopulate(Command):
    """Fill a database with realistic STP CRM data (Vietnamese customers, plans, contracts, tickets)"""

    name = "stp_populate"

    def run(self, cmdargs):
        parser = odoo.tools.config.parser
        parser.prog = f"{Path(sys.argv[0]).name} {self.name}"
        group = optparse.OptionGroup(parser, "STP CRM populate")
        group.add_option("--models", dest="populate_models", default=DEFAULT_MODELS, help="Comma separated models")
        group.add_option(
            "--size",
            dest="populate_size",
            default="small",
            help="small, medium, large or huge (500,000 customers, written in SQL batches; the other models at their large size)",
        )
        parser.add_option_group(group)
        options = odoo.tools.config.parse_config(cmdargs, setup_logging=True)
        from ..populate.tools import SIZES, populate  # noqa: PLC0415 - after the config is parsed

        if options.populate_size not in SIZES:
            sys.exit(f"--size must be one of {', '.join(SIZES)}")
        registry = odoo.modules.registry.Registry(odoo.tools.config["db_name"])
        started = time.monotonic()
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            made = populate(env, options.populate_models.split(","), options.populate_size)
        for model_name, records in made.items():
            _logger.info("%s: %s records", model_name, len(records))
        _logger.info("Populated in %.1f s", time.monotonic() - started)
