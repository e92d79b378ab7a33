from datetime import timedelta
from xmlrpc.client import Fault

from odoo.tests import HttpCase, new_test_user, tagged

from .common import StpCrmUsersMixin, StpCrmXmlRpcMixin

MANAGER = "stp_crm.group_stp_crm_manager"


@tagged("post_install", "-at_install")
class TestCampaignTrustXmlRpc(HttpCase, StpCrmUsersMixin, StpCrmXmlRpcMixin):
    """Care campaigns act with the rights of who launches them, over XML-RPC: a CRM manager
    without Inventory and Sales rights, a CRM manager with Inventory rights, a CRM manager who is a
    Sales "own documents" user, a CRM-only user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stp_users()
        cls.manager_bare = new_test_user(cls.env, login="rpc_manager_bare", groups=MANAGER)
        cls.manager_stock = new_test_user(
            cls.env, login="rpc_manager_stock", groups=f"{MANAGER},stock.group_stock_user"
        )
        cls.manager_sales_own = new_test_user(
            cls.env, login="rpc_manager_sales_own", groups=f"{MANAGER},sales_team.group_sale_salesman"
        )
        cls.tag = cls.env["res.partner.category"].create({"name": "Khách tri ân RPC"})
        cls.customers = cls.env["res.partner"].create(
            [{"name": f"Khách tin cậy {i}", "category_id": [(6, 0, cls.tag.ids)]} for i in range(2)]
        )
        cls.gift = cls.env["product.product"].create({"name": "Bánh trung thu", "is_storable": True})
        cls.product = cls.env["product.product"].create({"name": "Máy lọc nước RPC", "taxes_id": []})

    def assertFault(self, text, call, model, method, *args, **kw):
        with self.assertRaises(Fault) as caught:
            call(model, method, *args, **kw)
        self.assertIn(text, caught.exception.faultString)

    def _generated_campaign(self, call, **values):
        campaign_id = call(
            "stp.crm.campaign",
            "create",
            {
                "name": "Trung thu qua API",
                "occasion": "custom",
                "segment_domain": f"[('category_id', 'in', [{self.tag.id}])]",
                "other_cost": 100.0,
                **values,
            },
        )
        call("stp.crm.campaign", "action_generate_recipients", [campaign_id])
        return campaign_id

    def test_manager_without_inventory_and_sales_rights(self):
        call = self._login("rpc_manager_bare")
        campaign_id = self._generated_campaign(call, gift_product_id=self.gift.id)
        self.assertFault("Inventory / User", call, "stp.crm.campaign", "action_launch", [campaign_id])
        self.assertFault("Inventory / User", call, "stp.crm.campaign", "action_schedule", [campaign_id])
        [campaign] = call("stp.crm.campaign", "read", [campaign_id], fields=["state", "launched_by_id"])
        self.assertEqual((campaign["state"], campaign["launched_by_id"]), ("draft", False))
        self.assertFalse(self.env["stock.picking"].search([("product_id", "=", self.gift.id)]))
        # Greetings only: launched by them, and the revenue they read counts no order.
        call("stp.crm.campaign", "write", [campaign_id], {"gift_product_id": False})
        call("stp.crm.campaign", "action_launch", [campaign_id])
        line = self.env["stp.crm.campaign.line"].search([("campaign_id", "=", campaign_id)], limit=1)
        order = self.env["sale.order"].create(
            {
                "partner_id": line.partner_id.id,
                "order_line": [(0, 0, {"product_id": self.product.id, "price_unit": 700.0, "tax_id": []})],
            }
        )
        order.action_confirm()
        order.date_order = line.date_sent + timedelta(hours=1)
        self.assertEqual(self.env["stp.crm.campaign"].browse(campaign_id).revenue_after, 700.0)
        figures = ["state", "launched_by_id", "revenue_after", "roi", "control_revenue_after", "uplift_revenue"]
        [campaign] = call("stp.crm.campaign", "read", [campaign_id], fields=figures)
        self.assertEqual(campaign["state"], "running")
        self.assertEqual(campaign["launched_by_id"][0], self.manager_bare.id)
        self.assertEqual(
            [campaign[name] for name in figures[2:]], [0.0, -100.0, 0.0, 0.0], "no Sales rights: no order counts"
        )
        [seen] = call("stp.crm.campaign.line", "read", [line.id], fields=["revenue_after"])
        self.assertEqual(seen["revenue_after"], 0.0)

    def test_sales_own_documents_manager_reads_revenue_of_own_orders_only(self):
        call = self._login("rpc_manager_sales_own")
        campaign_id = self._generated_campaign(call)
        call("stp.crm.campaign", "action_launch", [campaign_id])
        line = self.env["stp.crm.campaign.line"].search([("campaign_id", "=", campaign_id)], limit=1)
        for salesperson, amount in ((self.manager_sales_own, 400.0), (self.env.user, 900.0)):
            order = self.env["sale.order"].create(
                {
                    "partner_id": line.partner_id.id,
                    "user_id": salesperson.id,
                    "order_line": [(0, 0, {"product_id": self.product.id, "price_unit": amount, "tax_id": []})],
                }
            )
            order.action_confirm()
            order.date_order = line.date_sent + timedelta(hours=1)
        self.assertEqual(self.env["stp.crm.campaign"].browse(campaign_id).revenue_after, 1300.0)
        [campaign] = call("stp.crm.campaign", "read", [campaign_id], fields=["revenue_after"])
        self.assertEqual(campaign["revenue_after"], 400.0, "only the orders they may read count")
        [seen] = call("stp.crm.campaign.line", "read", [line.id], fields=["revenue_after"])
        self.assertEqual(seen["revenue_after"], 400.0)

    def test_manager_with_inventory_rights(self):
        call = self._login("rpc_manager_stock")
        campaign_id = self._generated_campaign(call, gift_product_id=self.gift.id)
        call("stp.crm.campaign", "action_launch", [campaign_id])
        lines = call(
            "stp.crm.campaign.line", "search_read", [("campaign_id", "=", campaign_id)], fields=["picking_id", "state"]
        )
        self.assertEqual({line["state"] for line in lines}, {"sent"})
        picking_ids = [line["picking_id"][0] for line in lines]
        pickings = call("stock.picking", "read", picking_ids, fields=["create_uid", "state"])
        self.assertEqual({picking["create_uid"][0] for picking in pickings}, {self.manager_stock.id})
        # Who launched is recorded, and nobody can name someone else.
        [campaign] = call("stp.crm.campaign", "read", [campaign_id], fields=["launched_by_id"])
        self.assertEqual(campaign["launched_by_id"][0], self.manager_stock.id)
        self.assertFault(
            "set by the system",  # the shared guard of system fields
            call,
            "stp.crm.campaign",
            "write",
            [campaign_id],
            {"launched_by_id": self.env.ref("base.user_admin").id},
        )
        # A CRM manager without Inventory rights cannot cancel the deliveries; the launcher can.
        bare = self._login("rpc_manager_bare")
        self.assertFault("Inventory / User", bare, "stp.crm.campaign", "action_cancel", [campaign_id])
        self.assertEqual(self.env["stp.crm.campaign"].browse(campaign_id).state, "running")
        call("stp.crm.campaign", "action_cancel", [campaign_id])
        pickings = call("stock.picking", "read", picking_ids, fields=["state"])
        self.assertEqual({picking["state"] for picking in pickings}, {"cancel"})

    def test_bad_input_is_refused(self):
        call = self._login("rpc_manager_stock")
        campaign_id = self._generated_campaign(call)
        invoice_template = self.env.ref("account.email_template_edi_invoice")
        self.assertFault(
            "not a campaign recipient's template",
            call,
            "stp.crm.campaign",
            "write",
            [campaign_id],
            {"mail_template_id": invoice_template.id},
        )
        for name in ("budget", "other_cost", "gift_quantity"):
            self.assertFault("cannot be negative", call, "stp.crm.campaign", "write", [campaign_id], {name: -1})
        [campaign] = call("stp.crm.campaign", "read", [campaign_id], fields=["mail_template_id", "budget"])
        self.assertEqual(campaign["mail_template_id"][0], self.env.ref("stp_crm.stp_crm_campaign_mail_template").id)
        self.assertEqual(campaign["budget"], 0.0)

    def test_crm_only_user(self):
        manager = self._login("rpc_manager_stock")
        campaign_id = self._generated_campaign(manager)
        call = self._login("crm_only")
        self.assertFault("not allowed", call, "stp.crm.campaign", "action_launch", [campaign_id])
        self.assertFault(
            "not allowed",  # no write right on campaigns at all: refused before any field is looked at
            call,
            "stp.crm.campaign",
            "write",
            [campaign_id],
            {"launched_by_id": False},
        )
        self.assertFault("revenue_after", call, "stp.crm.campaign", "read", [campaign_id], fields=["revenue_after"])
        [campaign] = call("stp.crm.campaign", "read", [campaign_id], fields=["state", "launched_by_id"])
        self.assertEqual((campaign["state"], campaign["launched_by_id"]), ("draft", False))
