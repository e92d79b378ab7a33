"""Transfers that STP CRM makes for its documents (a care campaign's gifts, a ticket's return or
replacement): one product, one move, built the same way for all."""

from odoo.fields import Command


def one_product_picking_values(picking_type, partner, product, quantity, source, destination, company, **extra):
    """Values of a transfer of ``quantity`` of ``product`` from ``source`` to ``destination`` for
    ``partner``, in ``company``; ``extra`` adds other fields of the transfer (origin, dates, links)."""
    return {
        "picking_type_id": picking_type.id,
        "partner_id": partner.id,
        "location_id": source.id,
        "location_dest_id": destination.id,
        "company_id": company.id,
        "move_ids": [
            Command.create(
                {
                    "name": product.display_name,
                    "product_id": product.id,
                    "product_uom_qty": quantity,
                    "product_uom": product.uom_id.id,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                    "company_id": company.id,
                }
            )
        ],
        **extra,
    }
