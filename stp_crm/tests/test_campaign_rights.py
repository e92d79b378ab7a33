from datetime import date, timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.modules.migration import load_script
from odoo.tests import new_test_user, tagged
from odoo.tools.misc import file_path

from .common import cron_drain, freeze_now, freeze_test_clock
from .test_campaign import LAUNCH_DAY, SEND_CRON, CampaignCommon

MANAGER = "stp_crm.group_stp_crm_manager"
STOCK_USER = "stock.group_stock_user"


@tagged("post_install", "-at_install")
class CampaignRightsCommon(CampaignCommon):
    """Campaigns act with the rights of who launches them: users with the fewest groups."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager_bare = new_test_user(cls.env, login="campaign_manager_bare", groups=MANAGER)
        cls.manager_stock = new_test_user(cls.env, login="campaign_manager_stock", groups=f"{MANAGER},{STOCK_USER}")
        cls.manager_sales_own = new_test_user(
            cls.env, login="campaign_manager_sales_own", groups=f"{MANAGER},sales_team.group_sale_salesman"
        )

    def setUp(self):
        super().setUp()
        freeze_test_clock(self, LAUNCH_DAY)

    def _gift_campaign(self, **values):
        campaign = self._campaign(gift_product_id=self.gift.id, warehouse_id=self.warehouse.id, **values)
        campaign.action_generate_recipients()
        return campaign

    def _campaign_pickings(self):
        return self.env["stock.picking"].search([("product_id", "=", self.gift.id)])


@tagged("post_install", "-at_install")
class TestCampaignLauncher(CampaignRightsCommon):
    def test_gift_needs_inventory_rights(self):
        campaign = self._gift_campaign()
        as_manager = campaign.with_user(self.manager_bare)
        for action in (as_manager.action_launch, as_manager.action_schedule):
            with self.assertRaisesRegex(UserError, "Inventory / User"):
                action()
            self.assertEqual(campaign.state, "draft")
            self.assertFalse(campaign.launched_by_id)
            self.assertFalse(campaign.line_ids.filtered("date_sent"))
            self.assertFalse(self._campaign_pickings())
        # Greetings alone need no Inventory rights.
        campaign.gift_product_id = False
        as_manager.action_launch()
        self.assertEqual((campaign.state, campaign.launched_by_id), ("running", self.manager_bare))
        self.assertEqual(set(campaign.line_ids.mapped("state")), {"sent"})

    def test_deliveries_are_made_by_the_launcher(self):
        campaign = self._gift_campaign()
        campaign.with_user(self.manager_stock).action_launch()
        self.assertEqual(campaign.launched_by_id, self.manager_stock)
        pickings = campaign.line_ids.picking_id
        self.assertEqual(len(pickings), 4)
        self.assertEqual(pickings.create_uid, self.manager_stock)
        self.assertEqual(set(pickings.mapped("state")), {"confirmed"}, "confirmed, waiting for stock")

    def test_cron_sends_with_the_launchers_rights(self):
        freeze_test_clock(self, "2026-06-01 08:00:00")
        self.customers[0].stp_founding_date = date(2010, 6, 1)
        self.customers[1].stp_founding_date = date(2015, 6, 20)
        campaign = self._gift_campaign(occasion="company_anniversary")
        campaign.with_user(self.manager_stock).action_launch()
        first, second = campaign.line_ids.sorted("date")
        self.assertEqual((first.state, second.state), ("sent", "pending"))
        with freeze_now(self.env, "2026-06-20 08:00:00"):
            cron_drain(self.env, SEND_CRON)
            self._send_mailings()
            cron_drain(self.env, SEND_CRON)
        self.assertEqual(second.state, "sent")
        self.assertEqual(second.picking_id.create_uid, self.manager_stock)
        self.assertEqual(campaign.mailing_ids.create_uid, self.manager_stock, "its mailings too")
        self.assertEqual(campaign.state, "done")

    def test_cron_falls_back_on_the_creator(self):
        """Campaigns launched before the launcher was recorded: the cron acts for their creator."""
        freeze_test_clock(self, "2026-06-01 08:00:00")
        self.customers[0].stp_founding_date = date(2010, 6, 20)
        campaign = (
            self.env["stp.crm.campaign"]
            .with_user(self.manager_stock)
            .create(
                {
                    "name": "Kỷ niệm thành lập",
                    "occasion": "company_anniversary",
                    "segment_domain": f"[('category_id', 'in', [{self.vip.id}])]",
                    "gift_product_id": self.gift.id,
                    "warehouse_id": self.warehouse.id,
                }
            )
        )
        campaign.action_generate_recipients()
        campaign.with_user(self.env.user).action_launch()  # by another user than its creator
        self.assertEqual(campaign.sudo().launched_by_id, self.env.user)
        self.env.cr.execute("UPDATE stp_crm_campaign SET launched_by_id = NULL WHERE id = %s", [campaign.id])
        campaign.invalidate_recordset(["launched_by_id"])
        with freeze_now(self.env, "2026-06-20 08:00:00"):
            cron_drain(self.env, SEND_CRON)
        self.assertEqual(campaign.line_ids.picking_id.create_uid, self.manager_stock)

    def test_scheduled_campaign_launched_for_its_scheduler(self):
        campaign = self._gift_campaign()
        campaign.with_user(self.manager_stock).action_schedule()
        self.assertEqual((campaign.state, campaign.launched_by_id), ("scheduled", self.manager_stock))
        cron_drain(self.env, SEND_CRON)
        self._send_mailings()
        cron_drain(self.env, SEND_CRON)
        self.assertEqual(campaign.state, "done")
        self.assertEqual(campaign.launched_by_id, self.manager_stock)
        self.assertEqual(campaign.line_ids.picking_id.create_uid, self.manager_stock)

    def test_scheduler_without_rights_any_more(self):
        campaign = self._gift_campaign()
        campaign.with_user(self.manager_stock).action_schedule()
        self.manager_stock.groups_id -= self.env.ref(STOCK_USER) + self.env.ref("stock.group_stock_manager")
        self.assertFalse(self.manager_stock.has_group(STOCK_USER))
        cron_drain(self.env, SEND_CRON)
        self.assertEqual(campaign.state, "scheduled")
        self.assertFalse(self._campaign_pickings())
        self.assertIn("Inventory / User", campaign.message_ids[0].body)

    def test_launcher_is_not_writable(self):
        campaign = self._gift_campaign()
        as_manager = campaign.with_user(self.manager_stock)
        with self.assertRaises(UserError):
            as_manager.write({"launched_by_id": self.env.user.id})
        with self.assertRaises(UserError):
            self.env["stp.crm.campaign"].with_user(self.manager_stock).create(
                {"name": "Giả danh", "launched_by_id": self.env.user.id, "state": "scheduled"}
            )
        self.assertFalse(campaign.launched_by_id)

    def test_crm_user_cannot_launch(self):
        campaign = self._campaign()
        campaign.action_generate_recipients()
        with self.assertRaises(AccessError):
            campaign.with_user(self.crm_only).action_launch()
        self.assertEqual(campaign.state, "draft")

    def test_cancel_needs_inventory_rights(self):
        campaign = self._gift_campaign()
        campaign.with_user(self.manager_stock).action_launch()
        with self.assertRaisesRegex(UserError, "Inventory / User"):
            campaign.with_user(self.manager_bare).action_cancel()
        self.assertEqual(campaign.state, "running")
        self.assertEqual(set(campaign.line_ids.picking_id.mapped("state")), {"confirmed"})

    def test_cancel_only_the_campaigns_deliveries(self):
        campaign = self._gift_campaign()
        campaign.with_user(self.manager_stock).action_launch()
        other = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.out_type_id.id,
                "partner_id": self.customers[0].id,
                "origin": campaign.name,
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "gift",
                            "product_id": self.gift.id,
                            "product_uom_qty": 1,
                            "location_id": self.warehouse.lot_stock_id.id,
                            "location_dest_id": self.env.ref("stock.stock_location_customers").id,
                        },
                    )
                ],
            }
        )
        other.action_confirm()
        campaign.with_user(self.manager_stock).action_cancel()
        self.assertEqual(campaign.state, "cancelled")
        self.assertEqual(set(campaign.line_ids.picking_id.mapped("state")), {"cancel"})
        self.assertEqual(other.state, "confirmed")

    def test_cancel_without_deliveries_needs_no_inventory_rights(self):
        campaign = self._campaign()
        campaign.action_generate_recipients()
        campaign.with_user(self.manager_bare).action_launch()
        campaign.with_user(self.manager_bare).action_cancel()
        self.assertEqual(campaign.state, "cancelled")


@tagged("post_install", "-at_install")
class TestCampaignInput(CampaignRightsCommon):
    """Templates, amounts, revenue figures; the migration of older campaigns."""

    def test_templates_are_campaign_recipient_templates(self):
        campaign = self._campaign()
        invoice_template = self.env.ref("account.email_template_edi_invoice")
        # assertRaises (not assertRaisesRegex) rolls the refused write back
        with self.assertRaises(ValidationError) as caught:
            campaign.write({"mail_template_id": invoice_template.id})
        self.assertIn("not a campaign recipient's template", str(caught.exception))
        partner_sms = self.env["sms.template"].create(
            {"name": "SMS khách", "model_id": self.env.ref("base.model_res_partner").id, "body": "Xin chào"}
        )
        with self.assertRaises(ValidationError):
            campaign.write({"sms_template_id": partner_sms.id})
        with self.assertRaises(ValidationError):
            self._campaign(mail_template_id=invoice_template.id)
        self.assertEqual(campaign.mail_template_id, self.env.ref("stp_crm.stp_crm_campaign_mail_template"))
        campaign.sms_template_id = self.env.ref("stp_crm.stp_crm_campaign_sms_template")

    def test_amounts_are_not_negative(self):
        campaign = self._campaign()
        for name in ("budget", "other_cost", "gift_quantity"):
            with self.assertRaises(ValidationError) as caught:
                campaign.with_user(self.manager_stock).write({name: -1})
            self.assertIn("cannot be negative", str(caught.exception))
        with self.assertRaises(ValidationError):
            self._campaign(budget=-1)
        campaign.write({"budget": 0, "other_cost": 0})

    def test_revenue_counts_only_readable_orders(self):
        campaign = self._campaign(other_cost=100.0, control_ratio=0.0)
        campaign.action_generate_recipients()
        campaign.action_launch()
        customer, other_customer = self.customers[:2]
        own = self._order(customer, 700.0, LAUNCH_DAY + timedelta(days=1))
        own.user_id = self.manager_sales_own
        self._order(other_customer, 300.0, LAUNCH_DAY + timedelta(days=2)).user_id = self.env.user
        line = campaign.line_ids.filtered(lambda line: line.partner_id == customer)
        figures = ["revenue_after", "roi", "control_revenue_after", "uplift_revenue"]
        self.assertEqual(campaign.read(["revenue_after", "roi"])[0]["revenue_after"], 1000.0)
        # A CRM manager without Sales rights reads no order: 0.
        as_bare = campaign.with_user(self.manager_bare)
        [values] = as_bare.read(figures)
        self.assertEqual({name: values[name] for name in figures}, dict.fromkeys(figures, 0.0) | {"roi": -100.0})
        self.assertEqual(line.with_user(self.manager_bare).revenue_after, 0.0)
        # Sales "own documents": their own orders only.
        as_own = campaign.with_user(self.manager_sales_own)
        self.assertEqual(as_own.revenue_after, 700.0)
        self.assertEqual(line.with_user(self.manager_sales_own).revenue_after, 700.0)
        # The administrator's figure is not changed by what others read.
        self.assertEqual(campaign.revenue_after, 1000.0)

    def test_launchers_of_older_campaigns(self):
        """18.0.1.3.0: campaigns launched before the launcher was recorded get their creator."""
        script = load_script(
            file_path("stp_crm/migrations/18.0.1.3.0/post-migrate.py"), "stp_crm_migration_18_0_1_3_0_post"
        )
        launched = self._campaign()
        launched.action_generate_recipients()
        launched.action_launch()
        draft = self._campaign()
        self.env.flush_all()
        self.env.cr.execute("UPDATE stp_crm_campaign SET launched_by_id = NULL WHERE id = %s", [launched.id])
        self.assertEqual(script.set_campaign_launchers(self.env.cr), [launched.id])
        self.env.invalidate_all()
        self.assertEqual(launched.launched_by_id, launched.create_uid)
        self.assertFalse(draft.launched_by_id)
        self.assertEqual(script.set_campaign_launchers(self.env.cr), [], "runs again without change")
