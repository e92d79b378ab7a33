from odoo.modules.migration import load_script
from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path

TUNED = {
    "ir_cron_stp_retier_partners",
    "ir_cron_stp_contract_expiry",
    "ir_cron_stp_work_plan_overdue",
    "ir_cron_stp_crm_ticket_auto_close",
    "ir_cron_stp_retier_partners_ir_actions_server",
    "ir_cron_stp_contract_expiry_ir_actions_server",
    "ir_cron_stp_work_plan_overdue_ir_actions_server",
    "ir_cron_stp_crm_ticket_auto_close_ir_actions_server",
    "stp_crm_sequence_contract",
    "stp_crm_sequence_ticket",
}


@tagged("post_install", "-at_install")
class TestMigration18012(TransactionCase):
    """18.0.1.2.0: the crons and sequences of databases installed by older versions become
    noupdate, so that an upgrade keeps what an admin tuned."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.script = load_script(
            file_path("stp_crm/migrations/18.0.1.2.0/pre-migrate.py"), "stp_crm_migration_18_0_1_2_0"
        )

    def _noupdate(self, names, module="stp_crm"):
        self.env.cr.execute(
            "SELECT name, noupdate FROM ir_model_data WHERE module = %s AND name IN %s", [module, tuple(names)]
        )
        return dict(self.env.cr.fetchall())

    def test_older_database_gets_noupdate(self):
        # An older database: the rows of the tuned records and of some other records are not noupdate.
        others = {"group_stp_crm_user", "stp_crm_menu_root", "access_stp_crm_contract_user"}
        self.env.cr.execute(
            "UPDATE ir_model_data SET noupdate = FALSE WHERE module = 'stp_crm' AND name IN %s",
            [tuple(TUNED | others)],
        )
        self.env.cr.execute(
            "UPDATE ir_model_data SET noupdate = FALSE WHERE module = 'base' AND name = 'autovacuum_job'"
        )

        self.assertEqual(set(self.script.set_tuned_records_noupdate(self.env.cr)), TUNED)

        self.assertEqual(self._noupdate(TUNED), dict.fromkeys(TUNED, True))
        # Security, menus and other modules' records keep their flag.
        self.assertEqual(self._noupdate(others), dict.fromkeys(others, False))
        self.assertEqual(self._noupdate(["autovacuum_job"], module="base"), {"autovacuum_job": False})

    def test_runs_again_without_change(self):
        self.script.migrate(self.env.cr, "18.0.1.1.0")
        self.assertEqual(self.script.set_tuned_records_noupdate(self.env.cr), [])
        self.assertEqual(self._noupdate(TUNED), dict.fromkeys(TUNED, True))


@tagged("post_install", "-at_install")
class TestMigration18012Stages(TransactionCase):
    """18.0.1.2.0: Odoo's stages of an older database get the forecast categories of a new installation."""

    def test_stage_categories(self):
        script = load_script(
            file_path("stp_crm/migrations/18.0.1.2.0/post-migrate.py"), "stp_crm_migration_18_0_1_2_0_post"
        )
        stages = [self.env.ref(xmlid) for xmlid in script.STAGE_CATEGORIES]
        for stage in stages:
            stage.stp_forecast_category = "pipeline"  # the field's default on an older database
        # A stage an admin deleted has no xml id any more: skipped.
        self.env["ir.model.data"].search([("module", "=", "crm"), ("name", "=", "stage_lead2")]).unlink()
        script.set_stage_forecast_categories(self.env)
        self.assertEqual([stage.stp_forecast_category for stage in stages], ["pipeline", "pipeline", "commit"])
