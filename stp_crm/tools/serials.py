"""A serial number belongs to one product: documents that name both (tickets, installed
products) refuse a serial of another product."""

from odoo.exceptions import ValidationError


def check_serial_of_product(records):
    """Raise when a record's ``lot_id`` is a serial of another product than its ``product_id``."""
    for record in records.filtered("lot_id"):
        if record.lot_id.product_id != record.product_id:
            raise ValidationError(
                records.env._(
                    "Serial number %(lot)s belongs to %(lot_product)s, not to %(product)s.",
                    lot=record.lot_id.name,
                    lot_product=record.lot_id.product_id.display_name,
                    product=record.product_id.display_name or records.env._("no product"),
                )
            )
