from odoo.tests import HttpCase, tagged

from .common import StpCrmUsersMixin, StpCrmXmlRpcMixin


@tagged("post_install", "-at_install")
class TestCampaignXmlRpc(HttpCase, StpCrmUsersMixin, StpCrmXmlRpcMixin):
    """Care campaigns as an integrator drives them over XML-RPC, as a CRM manager."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stp_users()
        cls.tag = cls.env["res.partner.category"].create({"name": "Khách 8/3 RPC"})
        cls.customers = cls.env["res.partner"].create(
            [{"name": f"Khách RPC {i}", "category_id": [(6, 0, cls.tag.ids)]} for i in range(3)]
        )
        cls.gift = cls.env["product.product"].create({"name": "Hoa 8/3", "is_storable": True, "standard_price": 50.0})
        warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.env["stock.quant"].with_context(inventory_mode=True).create(
            {"product_id": cls.gift.id, "location_id": warehouse.lot_stock_id.id, "inventory_quantity": 10}
        ).action_apply_inventory()

    def test_create_generate_launch_read_results(self):
        call = self._login("stp_manager")
        campaign_id = call(
            "stp.crm.campaign",
            "create",
            {
                "name": "8/3 qua API",
                "occasion": "womens_day",
                "segment_domain": f"[('category_id', 'in', [{self.tag.id}])]",
                "gift_product_id": self.gift.id,
                "other_cost": 100.0,
            },
        )
        call("stp.crm.campaign", "action_generate_recipients", [campaign_id])
        call("stp.crm.campaign", "action_launch", [campaign_id])
        [campaign] = call(
            "stp.crm.campaign",
            "read",
            [campaign_id],
            fields=["state", "recipient_count", "delivered_count", "cost", "revenue_after", "roi"],
        )
        self.assertEqual(campaign["state"], "running")
        self.assertEqual(campaign["recipient_count"], 3)
        self.assertEqual((campaign["delivered_count"], campaign["cost"], campaign["roi"]), (0, 100.0, -100.0))
        lines = call(
            "stp.crm.campaign.line", "search_read", [("campaign_id", "=", campaign_id)], fields=["partner_id", "state"]
        )
        self.assertEqual(sorted(line["partner_id"][0] for line in lines), self.customers.ids)
        self.assertEqual({line["state"] for line in lines}, {"sent"})
        # A CRM user reads the campaign but cannot drive it.
        user_call = self._login("crm_only")
        [seen] = user_call("stp.crm.campaign", "read", [campaign_id], fields=["name", "recipient_count"])
        self.assertEqual(seen["recipient_count"], 3)
        with self.assertRaises(Exception) as caught:
            user_call("stp.crm.campaign", "write", [campaign_id], {"name": "Không được"})
        self.assertIn("not allowed to modify", str(caught.exception))
        with self.assertRaises(Exception) as caught:
            call("stp.crm.campaign", "write", [campaign_id], {"state": "done"})
        self.assertIn("only through its actions", str(caught.exception))

    def test_advertising_campaign_mailings_over_xmlrpc(self):
        """An advertising campaign over XML-RPC: its mailing with [QC], who lacks consent and why."""
        self.customers[0].email = "rpc0@example.vn"
        self.env["stp.crm.consent"].create(
            {"partner_id": self.customers[0].id, "channel": "email", "purpose": "advertising"}
        )
        call = self._login("stp_manager")
        campaign_id = call(
            "stp.crm.campaign",
            "create",
            {
                "name": "Khuyến mãi qua API",
                "occasion": "custom",
                "purpose": "advertising",
                "segment_domain": f"[('category_id', 'in', [{self.tag.id}])]",
            },
        )
        call("stp.crm.campaign", "action_generate_recipients", [campaign_id])
        call("stp.crm.campaign", "action_launch", [campaign_id])
        [campaign] = call(
            "stp.crm.campaign",
            "read",
            [campaign_id],
            fields=["excluded_no_consent_count", "mailing_ids", "mailing_count"],
        )
        self.assertEqual((campaign["excluded_no_consent_count"], campaign["mailing_count"]), (2, 1))
        [mailing] = call("mailing.mailing", "read", campaign["mailing_ids"], fields=["subject", "state", "campaign_id"])
        self.assertTrue(mailing["subject"].startswith("[QC] "))
        self.assertTrue(mailing["campaign_id"], "a UTM campaign")
        lines = call(
            "stp.crm.campaign.line",
            "search_read",
            [("campaign_id", "=", campaign_id), ("missing_consent", "=", True)],
            fields=["partner_id", "mail_status", "mail_failure_type"],
        )
        self.assertEqual(sorted(line["partner_id"][0] for line in lines), self.customers[1:].ids)
        self.assertEqual(
            {(line["mail_status"], line["mail_failure_type"]) for line in lines}, {("no_consent", "stp_no_consent")}
        )
        with self.assertRaises(Exception) as caught:
            call("stp.crm.campaign", "write", [campaign_id], {"purpose": "care"})
        self.assertIn("cannot change once it is launched", str(caught.exception))
