from odoo.tests import TransactionCase, tagged

from odoo.addons.stp_crm.populate.tools import populate


@tagged("post_install", "-at_install")
class TestPopulate(TransactionCase):
    def test_factories_at_size_small(self):
        made = populate(self.env, ["stp.crm.ticket", "stp.crm.work.plan", "stp.crm.contract"], "small")
        self.assertEqual(
            list(made),
            ["res.partner", "stp.crm.installed.product", "stp.crm.ticket", "stp.crm.work.plan", "stp.crm.contract"],
            "dependencies first",
        )
        for model_name, records in made.items():
            self.assertEqual(len(records), self.env[model_name]._populate_sizes["small"], model_name)
        partners = made["res.partner"]
        self.assertTrue(all(partner.state_id.country_id.code == "VN" for partner in partners), "Vietnamese provinces")
        self.assertIn(
            partners[0].name.split()[0],
            (
                "Công",
                "Doanh",
                "Nguyễn",
                "Trần",
                "Lê",
                "Phạm",
                "Hoàng",
                "Huỳnh",
                "Phan",
                "Vũ",
                "Võ",
                "Đặng",
                "Bùi",
                "Đỗ",
                "Hồ",
                "Ngô",
            ),
        )
        contracts = made["stp.crm.contract"]
        self.assertTrue(all(contract.line_ids for contract in contracts), "contracts with lines")
        self.assertIn("running", contracts.mapped("state"))
        self.assertEqual(len(set(contracts.filtered("number").mapped("number"))), len(contracts.filtered("number")))
        tickets = made["stp.crm.ticket"]
        self.assertTrue(
            all(ticket.lot_id and ticket.number.startswith("TK/") for ticket in tickets), "tickets with serials"
        )
        self.assertEqual(tickets.lot_id.product_id, tickets.product_id)
        plans = made["stp.crm.work.plan"]
        self.assertGreater(len(set(plans.mapped("quadrant"))), 2)
        self.assertIn("done", plans.mapped("state"))
