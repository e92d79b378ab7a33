from odoo import api, fields, models

from ..tools import vn_address

WARD_KINDS = [("ward", "Ward"), ("commune", "Commune"), ("special_zone", "Special Zone")]


class ResCity(models.Model):
    _inherit = "res.city"
    # Cities' names are data (3,321 official ward names), not terms for translators: kept out of
    # the translation templates (only the export; a name can still be translated in the database).
    _translate = False

    stp_code = fields.Char(
        string="Official Code",
        index="btree_not_null",
        help="The ward's 5-digit code in the General Statistics Office's list (Vietnam, since 1 July 2025).",
    )
    stp_kind = fields.Selection(
        WARD_KINDS, string="Kind", help="Ward (phường), commune (xã) or special zone (đặc khu)."
    )

    @api.model
    def _stp_load_vietnam_wards(self):
        """Create the wards of ``data/vn_wards_2025.csv`` not yet in the database, in one
        create() and one ir.model.data insert (3,321 XML records would take a minute),
        with xml ids ``stp_crm.vn_ward_<code>`` (noupdate: an administrator's edits stay)."""
        vietnam = self.env.ref("base.vn", raise_if_not_found=False)
        if not vietnam:
            return
        existing = set(
            self.env["ir.model.data"]
            .search([("module", "=", "stp_crm"), ("model", "=", self._name), ("name", "=like", "vn_ward_%")])
            .mapped("name")
        )
        states = self.env["res.country.state"].search([("country_id", "=", vietnam.id), ("stp_code", "!=", False)])
        state_of = {state.stp_code: state.id for state in states}
        rows = [row for row in vn_address.wards() if vn_address.WARD_XMLID % row["code"] not in existing]
        cities = self.create(
            [
                {
                    "name": row["name"],
                    "stp_code": row["code"],
                    "stp_kind": row["kind"],
                    "country_id": vietnam.id,
                    "state_id": state_of[row["province_code"]],
                }
                for row in rows
            ]
        )
        self.env["ir.model.data"]._update_xmlids(
            [
                {"xml_id": "stp_crm." + vn_address.WARD_XMLID % row["code"], "record": city, "noupdate": True}
                for row, city in zip(rows, cities, strict=True)
            ]
        )
