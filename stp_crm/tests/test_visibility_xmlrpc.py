from xmlrpc.client import Fault

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import StpCrmUsersMixin, StpCrmXmlRpcMixin


@tagged("post_install", "-at_install")
class TestVisibilityXmlRpc(HttpCase, StpCrmUsersMixin, StpCrmXmlRpcMixin):
    """Each user, logged in over XML-RPC, sees only what their Odoo rights allow."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stp_users()
        env = cls.env
        cls.customer = env["res.partner"].create(
            {"name": "Công ty Kiểm Tra Quyền", "is_company": True, "stp_classification": "customer"}
        )
        cls.portal_user.partner_id.write({"parent_id": cls.customer.id, "stp_business_status": "Nợ xấu"})
        product = env["product.product"].create({"name": "Bơm nước", "list_price": 100.0, "taxes_id": False})
        cls.own_order, cls.colleague_order = (
            cls._confirmed_order(cls.sales_own, product, 1_000.0),
            cls._confirmed_order(cls.stp_user, product, 3_000.0),
        )
        invoice = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.customer.id,
                "invoice_line_ids": [
                    Command.create({"product_id": product.id, "price_unit": 5_000.0, "tax_ids": False})
                ],
            }
        )
        invoice.action_post()
        purchase = env["purchase.order"].create(
            {
                "partner_id": cls.customer.id,
                "order_line": [Command.create({"product_id": product.id, "product_qty": 1, "price_unit": 700.0})],
            }
        )
        purchase.button_confirm()
        cls.colleague_interaction = env["stp.crm.interaction"].create(
            {"partner_id": cls.customer.id, "summary": "Của đồng nghiệp", "user_id": cls.stp_user.id}
        )
        team = env["stp.crm.ticket.team"].create(
            {"name": "Đội kiểm tra", "member_ids": [Command.set(cls.stp_user.ids)]}
        )
        cls.ticket = env["stp.crm.ticket"].create(
            {"name": "Bơm không chạy", "partner_id": cls.portal_user.partner_id.id, "team_id": team.id}
        )
        cls.rating = cls.ticket.rating_apply(3, token=cls.ticket._rating_get_access_token(), feedback="Tạm được")

    @classmethod
    def _confirmed_order(cls, salesperson, product, price):
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "user_id": salesperson.id,
                "order_line": [Command.create({"product_id": product.id, "price_unit": price, "tax_id": False})],
            }
        )
        order.action_confirm()
        return order

    def _timeline(self, call):
        rows = call(
            "stp.crm.timeline", "search_read", [("partner_id", "=", self.customer.id)], fields=["res_model", "res_id"]
        )
        return {(row["res_model"], row["res_id"]) for row in rows}

    def test_timeline_rows_follow_each_source_rules(self):
        everything = self._timeline(self._login("admin"))
        self.assertTrue(
            {"sale.order", "purchase.order", "account.move", "stp.crm.ticket"} <= {m for m, _i in everything}
        )

        crm_only = self._timeline(self._login("crm_only"))
        self.assertFalse({m for m, _i in crm_only} & {"sale.order", "purchase.order", "account.move"})
        self.assertNotIn(("stp.crm.interaction", self.colleague_interaction.id), crm_only)

        call = self._login("sales_own")
        sales_own = self._timeline(call)
        self.assertEqual({i for m, i in sales_own if m == "sale.order"}, {self.own_order.id})
        self.assertFalse({m for m, _i in sales_own} & {"purchase.order", "account.move"})
        domain = [("partner_id", "=", self.customer.id), ("event_type", "=", "sale_order")]
        self.assertEqual(call("stp.crm.timeline", "search_count", domain), 1)
        [group] = call("stp.crm.timeline", "read_group", domain, ["amount:sum"], [])
        self.assertEqual(group["amount"], self.own_order.amount_total, "sums count only the visible rows")

    def test_ticket_rating_reads_empty_for_who_may_not_read_it(self):
        # A CRM user following the ticket reads it, not its rating (not in its team, not rated).
        self.ticket.message_subscribe(partner_ids=self.crm_only.partner_id.ids)
        names = ["rating_last_value", "rating_last_feedback", "rating_avg", "rating_ids"]
        [outsider] = self._login("crm_only")("stp.crm.ticket", "read", [self.ticket.id], names)
        self.assertEqual([outsider[name] for name in names], [0.0, False, 0.0, []], "empty values, no access error")
        [member] = self._login("stp_user")("stp.crm.ticket", "read", [self.ticket.id], names)
        self.assertEqual([member[name] for name in names], [3.0, "Tạm được", 3.0, self.rating.ids])

    def test_partner_crm_fields_are_for_crm_users(self):
        portal = self._login("portal_user")
        partner_id = self.portal_user.partner_id.id
        self.assertFalse(
            [name for name in portal("res.partner", "fields_get", attributes=["type"]) if name.startswith("stp_")]
        )
        [values] = portal("res.partner", "read", [partner_id], fields=["name", "email"])
        self.assertEqual(values["name"], self.portal_user.partner_id.name)
        for name in ("stp_classification", "stp_business_status", "stp_tier", "stp_tier_revenue"):
            with self.assertRaises(Fault, msg=name):
                portal("res.partner", "read", [partner_id], fields=[name])

        crm_only = self._login("crm_only")
        [values] = crm_only("res.partner", "read", [self.customer.id], fields=["stp_classification", "stp_tier"])
        self.assertEqual(values["stp_classification"], "customer")
        with self.assertRaises(Fault):
            crm_only("res.partner", "read", [self.customer.id], fields=["stp_tier_revenue"])
        with self.assertRaises(Fault) as refused:
            crm_only("res.partner", "write", [self.customer.id], {"stp_tier_locked": True, "stp_tier": "a"})
        self.assertIn("Only STP CRM managers", refused.exception.faultString)
        self.assertFalse(self.customer.stp_tier_locked)
        [values] = self._login("stp_user")("res.partner", "read", [self.customer.id], fields=["stp_tier_revenue"])
        self.assertEqual(values["stp_tier_revenue"], 5_000.0, "CRM users with invoicing rights read the revenue")
        self._login("stp_manager")(
            "res.partner", "write", [self.customer.id], {"stp_tier_locked": True, "stp_tier": "a"}
        )
        self.assertTrue(self.customer.stp_tier_locked)

    def test_ticket_internal_fields_and_ratings(self):
        portal = self._login("portal_user")
        [values] = portal(
            "stp.crm.ticket", "read", [self.ticket.id], fields=["number", "name", "stage_id", "warranty_state"]
        )
        self.assertEqual(values["number"], self.ticket.number)
        for name in ("warranty_reason", "sla_state", "date_deadline", "installed_product_id", "resolution_hours"):
            with self.assertRaises(Fault, msg=name):
                portal("stp.crm.ticket", "read", [self.ticket.id], fields=[name])

        domain = [("res_model", "=", "stp.crm.ticket"), ("res_id", "=", self.ticket.id)]
        self.assertEqual(self._login("stp_user")("rating.rating", "search", domain), self.rating.ids, "the team")
        self.assertEqual(self._login("stp_manager")("rating.rating", "search", domain), self.rating.ids)
        self.assertEqual(self._login("plain_employee")("rating.rating", "search", domain), [])
        self.assertEqual(self._login("crm_only")("rating.rating", "search", domain), [])
        with self.assertRaises(Fault):
            self._login("plain_employee")("rating.rating", "read", self.rating.ids, fields=["feedback"])
