from datetime import date, datetime

from lxml import etree

from odoo.exceptions import ValidationError
from odoo.tests import Form, TransactionCase, tagged
from odoo.tools.safe_eval import safe_eval

from .common import freeze_now


@tagged("post_install", "-at_install")
class InstalledBaseCommon(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.customer = cls.env["res.partner"].create({"name": "Bệnh viện Đa khoa Tâm Anh", "is_company": True})
        cls.product = cls.env["product.product"].create(
            {"name": "Máy siêu âm SA-9", "is_storable": True, "tracking": "serial"}
        )
        cls.lots = cls.env["stock.lot"].create(
            [{"name": f"SA9-{i:04d}", "product_id": cls.product.id} for i in range(1, 4)]
        )
        for lot in cls.lots:
            cls.env["stock.quant"]._update_available_quantity(cls.product, cls.stock_location, 1.0, lot_id=lot)

    @classmethod
    def _deliver(cls, partner, lots):
        picking = cls.env["stock.picking"].create(
            {
                "picking_type_id": cls.warehouse.out_type_id.id,
                "partner_id": partner.id,
                "location_id": cls.stock_location.id,
                "location_dest_id": cls.env.ref("stock.stock_location_customers").id,
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "name": cls.product.name,
                            "product_id": cls.product.id,
                            "product_uom_qty": len(lots),
                            "product_uom": cls.product.uom_id.id,
                            "location_id": cls.stock_location.id,
                            "location_dest_id": cls.env.ref("stock.stock_location_customers").id,
                        },
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.move_ids.move_line_ids.unlink()
        picking.move_ids.write(
            {
                "move_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": cls.product.id,
                            "lot_id": lot.id,
                            "quantity": 1.0,
                            "location_id": cls.stock_location.id,
                            "location_dest_id": cls.env.ref("stock.stock_location_customers").id,
                            "picking_id": picking.id,
                        },
                    )
                    for lot in lots
                ]
            }
        )
        picking.move_ids.picked = True
        picking.button_validate()
        return picking


@tagged("post_install", "-at_install")
class TestInstalledBase(InstalledBaseCommon):
    def test_delivery_creates_one_installed_product_per_serial(self):
        picking = self._deliver(self.customer, self.lots[:2])
        self.assertEqual(picking.state, "done")
        installed = self.customer.stp_installed_product_ids
        self.assertEqual(installed.lot_id, self.lots[:2])
        self.assertEqual(set(installed.mapped("state")), {"running"})
        self.assertEqual(installed.picking_id, picking)
        self.assertEqual(installed.mapped("install_date"), [picking.date_done.date()] * 2)
        self.assertEqual(self.customer.stp_installed_product_count, 2)

    def test_delivery_records_the_warranty_end(self):
        """The warranty end is computed once, on the installed product, from the
        delivery date and the product's months; the filter and the partner page read it."""
        self.product.stp_warranty_months = 24
        with freeze_now(self.env, "2026-03-10 09:00:00"):
            picking = self._deliver(self.customer, self.lots[0])
        installed = self.customer.stp_installed_product_ids
        self.assertEqual(installed.install_date, date(2026, 3, 10))
        self.assertEqual(installed.warranty_end_date, date(2028, 3, 10))
        picking.date_done = datetime(2026, 4, 1, 9, 0)
        self.assertEqual(installed.warranty_end_date, date(2028, 4, 1), "a corrected delivery date moves it")
        installed.warranty_end_date = date(2029, 4, 1)
        self.assertEqual(installed.warranty_end_date, date(2029, 4, 1), "an extended warranty is kept")

        installed_model = self.env["stp.crm.installed.product"]
        search_view = etree.fromstring(installed_model.get_view(view_type="search")["arch"])
        [under_warranty] = search_view.xpath("//filter[@name='under_warranty']")
        for moment, expected in (("2029-03-31 09:00:00", installed), ("2029-04-02 09:00:00", installed_model)):
            with freeze_now(self.env, moment):
                domain = safe_eval(under_warranty.get("domain"), {"context_today": date.today})
                found = installed_model.search([*domain, ("partner_id", "=", self.customer.id)])
            self.assertEqual(found, expected, moment)

    def test_manual_installed_product_gets_a_warranty_end(self):
        self.product.stp_warranty_months = 6
        with freeze_now(self.env, "2026-05-31 09:00:00"):
            installed = self.env["stp.crm.installed.product"].create(
                {"partner_id": self.customer.id, "product_id": self.product.id}
            )
        self.assertEqual(installed.install_date, date(2026, 5, 31))
        self.assertEqual(installed.warranty_end_date, date(2026, 11, 30))
        self.product.stp_warranty_months = 0
        self.assertFalse(installed.warranty_end_date, "no warranty months, no warranty")

    def test_delivery_to_a_contact_is_installed_at_the_company(self):
        contact = self.env["res.partner"].create({"name": "Phòng vật tư", "parent_id": self.customer.id})
        self._deliver(contact, self.lots[2])
        self.assertEqual(self.customer.stp_installed_product_ids.lot_id, self.lots[2])

    def test_contact_button_counts_what_it_opens(self):
        # The smart button on a contact counts and opens the company's installed base.
        contact = self.env["res.partner"].create({"name": "Phòng kỹ thuật", "parent_id": self.customer.id})
        self._deliver(self.customer, self.lots[:2])
        action = contact.action_stp_open_installed_products()
        opened = self.env["stp.crm.installed.product"].search_count(action["domain"])
        self.assertEqual(opened, 2)
        self.assertEqual(contact.stp_installed_product_count, opened)
        self.assertEqual(self.customer.stp_installed_product_count, opened)

    def test_return_retires_the_installed_product(self):
        picking = self._deliver(self.customer, self.lots[:2])
        wizard_form = Form(
            self.env["stock.return.picking"].with_context(active_id=picking.id, active_model="stock.picking")
        )
        wizard = wizard_form.save()
        wizard.product_return_moves.quantity = 1.0
        action = wizard.action_create_returns()
        return_picking = self.env["stock.picking"].browse(action["res_id"])
        return_picking.move_ids.move_line_ids.unlink()
        return_picking.move_ids.write(
            {
                "move_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.product.id,
                            "lot_id": self.lots[0].id,
                            "quantity": 1.0,
                            "location_id": return_picking.location_id.id,
                            "location_dest_id": return_picking.location_dest_id.id,
                            "picking_id": return_picking.id,
                        },
                    )
                ]
            }
        )
        return_picking.move_ids.picked = True
        return_picking.button_validate()
        self.assertEqual(return_picking.state, "done")
        by_lot = {i.lot_id: i.state for i in self.customer.stp_installed_product_ids}
        self.assertEqual(by_lot, {self.lots[0]: "retired", self.lots[1]: "running"})

    def test_untracked_products_and_internal_moves_are_ignored(self):
        other = self.env["product.product"].create({"name": "Giấy in", "is_storable": True})
        self.env["stock.quant"]._update_available_quantity(other, self.stock_location, 5.0)
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.out_type_id.id,
                "partner_id": self.customer.id,
                "location_id": self.stock_location.id,
                "location_dest_id": self.env.ref("stock.stock_location_customers").id,
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "name": other.name,
                            "product_id": other.id,
                            "product_uom_qty": 5,
                            "product_uom": other.uom_id.id,
                            "location_id": self.stock_location.id,
                            "location_dest_id": self.env.ref("stock.stock_location_customers").id,
                        },
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertFalse(self.customer.stp_installed_product_ids)

    def test_lot_of_another_product_is_refused(self):
        other = self.env["product.product"].create({"name": "Đầu dò", "tracking": "serial", "is_storable": True})
        with self.assertRaises(ValidationError):
            self.env["stp.crm.installed.product"].create(
                {"partner_id": self.customer.id, "product_id": other.id, "lot_id": self.lots[0].id}
            )
        self.assertFalse(self.env["stp.crm.installed.product"].search([("product_id", "=", other.id)]))
