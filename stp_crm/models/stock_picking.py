from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    stp_ticket_id = fields.Many2one(
        "stp.crm.ticket", string="Service Ticket", index="btree_not_null", copy=False, check_company=True
    )

    def _action_done(self):
        result = super()._action_done()
        self._stp_record_installed_base()
        self.env["stp.crm.campaign.line"]._stp_mark_delivered(self)
        return result

    def _stp_record_installed_base(self):
        """Deliveries of serial-tracked products to customers add one installed
        product per serial; returns from customers retire them."""
        move_lines = self.move_ids.filtered(lambda m: m.state == "done").move_line_ids.filtered(
            lambda ml: ml.lot_id and ml.product_id.tracking == "serial"
        )
        delivered = move_lines.filtered(
            lambda ml: (
                ml.location_dest_id.usage == "customer"
                and ml.location_id.usage != "customer"
                and ml.picking_id.partner_id
            )
        )
        returned = move_lines.filtered(
            lambda ml: ml.location_id.usage == "customer" and ml.location_dest_id.usage != "customer"
        )
        installed_model = self.env["stp.crm.installed.product"].sudo()
        if delivered:
            installed_model.create([self._stp_installed_product_values(ml) for ml in delivered])
        if returned:
            installed_model.search(
                [
                    ("lot_id", "in", returned.lot_id.ids),
                    ("partner_id", "in", returned.picking_id.partner_id.commercial_partner_id.ids),
                    ("state", "!=", "retired"),
                ]
            ).write({"state": "retired"})

    def _stp_installed_product_values(self, move_line):
        picking = move_line.picking_id
        return {
            "partner_id": picking.partner_id.commercial_partner_id.id,
            "product_id": move_line.product_id.id,
            "lot_id": move_line.lot_id.id,
            "location": picking.partner_id._display_address(without_company=True).replace("\n", ", ").strip(", "),
            "picking_id": picking.id,
            "company_id": picking.company_id.id,
        }
