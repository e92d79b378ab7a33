from xmlrpc.client import Fault

from odoo.tests import HttpCase, tagged

from .common import StpCrmUsersMixin, StpCrmXmlRpcMixin


@tagged("post_install", "-at_install")
class TestContractXmlRpc(HttpCase, StpCrmUsersMixin, StpCrmXmlRpcMixin):
    """The contract API as an integrator drives it, over XML-RPC as a CRM user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stp_users()
        cls.product = cls.env["product.product"].create({"name": "Máy phát điện", "list_price": 100.0, "taxes_id": []})
        cls.tax = cls.env["account.tax"].create({"name": "VAT 10% (RPC)", "amount": 10.0, "type_tax_use": "sale"})

    def test_create_contract_and_read_totals(self):
        call = self._login("stp_user")
        partner_id = call("res.partner", "create", {"name": "Công ty RPC", "is_company": True})
        contract_id = call(
            "stp.crm.contract",
            "create",
            {
                "name": "Hợp đồng qua API",
                "contract_type": "sale",
                "partner_id": partner_id,
                "date_start": "2026-01-01",
                "date_end": "2026-12-31",
                "line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.product.id,
                            "quantity": 3,
                            "price_unit": 200.0,
                            "tax_ids": [(6, 0, [self.tax.id])],
                        },
                    ),
                    (0, 0, {"product_id": self.product.id, "quantity": 1, "price_unit": 50.0, "tax_ids": []}),
                ],
            },
        )
        [contract] = call(
            "stp.crm.contract",
            "read",
            [contract_id],
            fields=[
                "number",
                "state",
                "amount_untaxed",
                "amount_tax",
                "amount_total",
                "amount_total_company",
                "user_id",
            ],
        )
        self.assertRegex(contract["number"], r"^HD/\d{4}/\d{5}$")
        self.assertEqual(contract["state"], "draft")
        self.assertEqual(
            (contract["amount_untaxed"], contract["amount_tax"], contract["amount_total"]), (650.0, 60.0, 710.0)
        )
        self.assertEqual(contract["amount_total_company"], 710.0)
        self.assertEqual(contract["user_id"][0], self.stp_user.id)

        call("stp.crm.contract", "action_confirm", [contract_id])
        order_action = call("stp.crm.contract", "action_create_quotation", [contract_id])
        [order] = call("sale.order", "read", [order_action["res_id"]], fields=["stp_contract_id", "amount_total"])
        self.assertEqual(order["stp_contract_id"][0], contract_id)
        self.assertEqual(order["amount_total"], 710.0)

    def test_reversed_period_refused_and_nothing_written(self):
        call = self._login("stp_user")
        partner_id = call("res.partner", "create", {"name": "Công ty Ngược Ngày", "is_company": True})
        with self.assertRaises(Fault) as caught:
            call(
                "stp.crm.contract",
                "create",
                {
                    "name": "Hợp đồng ngược ngày",
                    "partner_id": partner_id,
                    "date_start": "2026-06-01",
                    "date_end": "2026-05-01",
                    "line_ids": [(0, 0, {"product_id": self.product.id, "quantity": 1})],
                },
            )
        # The dates in the user's format (en_US here), not ISO.
        self.assertIn("cannot end (05/01/2026) before it starts (06/01/2026)", caught.exception.faultString)
        self.assertFalse(self.env["stp.crm.contract"].search([("name", "=", "Hợp đồng ngược ngày")]))
        self.assertFalse(self.env["stp.crm.contract.line"].search([("name", "like", "Máy phát điện")]))

    def test_invalid_values_refused(self):
        call = self._login("stp_user")
        with self.assertRaises(Fault) as caught:
            call("stp.crm.contract", "create", {"name": "Sai loại", "contract_type": "lease"})
        self.assertIn("'lease' is not a valid value for Type", caught.exception.faultString)
        contract_id = call("stp.crm.contract", "create", {"name": "Chưa có dòng"})
        with self.assertRaises(Fault) as caught:
            call("stp.crm.contract", "action_confirm", [contract_id])
        self.assertIn("needs a partner", caught.exception.faultString)
        [contract] = call("stp.crm.contract", "read", [contract_id], fields=["state"])
        self.assertEqual(contract["state"], "draft")

    def test_order_line_of_another_contract_refused(self):
        call = self._login("stp_user")
        partner_id = call("res.partner", "create", {"name": "Công ty Hai Hợp Đồng", "is_company": True})
        contract_ids = [
            call(
                "stp.crm.contract",
                "create",
                {
                    "name": name,
                    "partner_id": partner_id,
                    "line_ids": [(0, 0, {"product_id": self.product.id, "quantity": 5, "price_unit": 100.0})],
                },
            )
            for name in ("Hợp đồng thứ nhất", "Hợp đồng thứ hai")
        ]
        for contract_id in contract_ids:
            call("stp.crm.contract", "action_confirm", [contract_id])
        order_id = call("stp.crm.contract", "action_create_quotation", [contract_ids[0]])["res_id"]
        [order] = call("sale.order", "read", [order_id], fields=["order_line"])
        [other_line] = call("stp.crm.contract.line", "search", [("contract_id", "=", contract_ids[1])])
        with self.assertRaises(Fault) as caught:
            call("sale.order.line", "write", order["order_line"], {"stp_contract_line_id": other_line})
        self.assertIn("cannot count against the contract", caught.exception.faultString)
        [line] = call("sale.order.line", "read", order["order_line"], fields=["stp_contract_line_id"])
        self.assertNotEqual(line["stp_contract_line_id"][0], other_line, "nothing was written")
