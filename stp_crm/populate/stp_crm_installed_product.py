from dateutil.relativedelta import relativedelta

from odoo import fields, models

from .tools import compute, customer_ids, randomize

MODELS = ["Máy nén khí trục vít 37kW", "Máy sấy khí tác nhân lạnh", "Máy phát điện 250kVA", "Bơm chân không vòng dầu"]
SITES = ["Xưởng 1", "Xưởng 2", "Kho thành phẩm", "Phòng máy", "Dây chuyền chiết rót"]


class StpCrmInstalledProduct(models.Model):
    _inherit = "stp.crm.installed.product"

    _populate_sizes = {"small": 20, "medium": 2_000, "large": 30_000}
    _populate_dependencies = ["res.partner"]

    def _populate_factories(self):
        partner_ids = customer_ids(self)
        today = fields.Date.context_today(self)
        return [
            ("partner_id", randomize(partner_ids)),
            ("product_id", randomize(self._populate_serial_products().ids)),
            ("install_date", compute(lambda random, **kwargs: today - relativedelta(days=random.randint(0, 1_000)))),
            ("warranty_end_date", compute(lambda values, **kwargs: values["install_date"] + relativedelta(months=24))),
            ("location", randomize(SITES)),
            ("state", randomize(["running", "maintenance", "faulty"], [8, 1, 1])),
        ]

    def _populate_serial_products(self):
        """The machines sold with a serial number (made once, found again next time)."""
        products = self.env["product.product"]
        for name in MODELS:
            product = products.search([("name", "=", name), ("tracking", "=", "serial")], limit=1)
            products |= product or products.create(
                {"name": name, "is_storable": True, "tracking": "serial", "sale_ok": True, "list_price": 250_000_000}
            )
        return products

    def _populate_finish(self):
        """Each machine gets its own serial number (one grouped create)."""
        year = fields.Date.context_today(self).year
        lots = self.env["stock.lot"].create(
            [
                {
                    "name": f"SN{year}-{installed.id:07d}",
                    "product_id": installed.product_id.id,
                    "company_id": installed.company_id.id,
                }
                for installed in self
            ]
        )
        for installed, lot in zip(self, lots, strict=True):
            installed.lot_id = lot
