from dateutil.relativedelta import relativedelta

from odoo import Command, fields, models

from .tools import compute, customer_ids, randomize, stp_user_ids

SUBJECTS = [
    "Cung cấp máy nén khí",
    "Bảo trì định kỳ",
    "Cung cấp phụ tùng",
    "Lắp đặt hệ thống khí nén",
    "Dịch vụ sửa chữa",
]


class StpCrmContract(models.Model):
    _inherit = "stp.crm.contract"

    _populate_sizes = {"small": 20, "medium": 1_500, "large": 20_000}
    _populate_dependencies = ["res.partner"]

    def _populate_factories(self):
        partner_ids = customer_ids(self)
        products = self.env["product.product"].search([("sale_ok", "=", True), ("type", "!=", "combo")], limit=50)
        today = fields.Date.context_today(self)

        def lines(random, **kwargs):
            return [
                Command.create(
                    {
                        "product_id": product.id,
                        "quantity": random.choice([1, 2, 5, 10, 20]),
                        "price_unit": random.choice([1_500_000, 12_000_000, 85_000_000, 320_000_000]),
                    }
                )
                for product in random.sample(products, k=min(len(products), random.randint(1, 4)))
            ]

        def date_start(random, **kwargs):
            return today - relativedelta(days=random.randint(0, 700))

        return [
            (
                "name",
                compute(lambda random, counter, **kwargs: f"Hợp đồng {random.choice(SUBJECTS).lower()} {counter + 1}"),
            ),
            ("partner_id", randomize(partner_ids)),
            ("user_id", randomize(stp_user_ids(self.env))),
            ("date_start", compute(date_start)),
            ("date_signed", compute(lambda values, **kwargs: values["date_start"])),
            (
                "date_end",
                compute(
                    lambda values, random, **kwargs: values["date_start"]
                    + relativedelta(months=random.choice([6, 12, 24, 36]))
                ),
            ),
            ("line_ids", compute(lines)),
        ]

    def _populate_finish(self):
        """Most contracts get signed; a few are still drafts."""
        self.filtered(lambda contract: contract.id % 5).action_confirm()
