from datetime import datetime, timedelta
from unittest.mock import patch

from odoo.tests import TransactionCase, tagged

from odoo.addons.stp_crm.populate.tools import generate_values, populate, population_size, quiet


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

    def test_huge_partners_in_sql_as_the_orm_writes_them(self):
        """Size huge writes the partners in SQL (_populate_insert): every column of each row
        is the one ``create`` writes for the same factory values."""
        partners = quiet(self.env["res.partner"])
        by_orm = partners.create(list(generate_values(partners, 30)))
        self.env.flush_all()
        by_sql = partners._populate_insert(generate_values(partners, 30), 30)
        self.assertEqual(len(by_sql), 30)
        self.assertEqual(by_sql.commercial_partner_id, by_sql)
        self.assertTrue(by_sql.filtered("phone_sanitized"), "sanitized phones")
        self.assertTrue(by_sql.filtered("commercial_company_name"), "companies")

        def rows(records):
            self.env.cr.execute("SELECT * FROM res_partner WHERE id IN %s ORDER BY id", [tuple(records.ids)])
            names = [column.name for column in self.env.cr.description]
            return [
                {
                    name: value
                    for name, value in zip(names, row, strict=True)
                    if name not in ("id", "commercial_partner_id")
                }
                for row in self.env.cr.fetchall()
            ]

        def differ(value, orm_value):
            if isinstance(value, datetime) and isinstance(
                orm_value, datetime
            ):  # a default "now" (calendar_last_notif_ack) is the template's
                return abs(value - orm_value) > timedelta(minutes=5)
            return value != orm_value

        for sql_row, orm_row in zip(rows(by_sql), rows(by_orm), strict=True):
            self.assertEqual({k: (v, orm_row[k]) for k, v in sql_row.items() if differ(v, orm_row[k])}, {})
        self.assertEqual(by_sql.mapped("stp_tier"), by_orm.mapped("stp_tier"))
        self.assertEqual(partners.search_count([("name", "=", "STP populate template")]), 0)

    def test_size_huge(self):
        """huge: 500,000 customers through the SQL path; models without a huge size take their large one."""
        self.assertEqual(population_size(self.env["res.partner"], "huge"), 500_000)
        self.assertEqual(population_size(self.env["stp.crm.ticket"], "huge"), 50_000)
        partner_class = type(self.env["res.partner"])
        with (
            patch.object(partner_class, "_populate_sizes", {"small": 5, "huge": 12}),
            patch.object(
                partner_class, "_populate_insert", autospec=True, side_effect=partner_class._populate_insert
            ) as fast,
        ):
            made = populate(self.env, ["res.partner"], "huge")
        fast.assert_called_once()
        self.assertEqual(len(made["res.partner"]), 12)
        self.assertTrue(all(partner.state_id.country_id.code == "VN" for partner in made["res.partner"]))
