from odoo import api, fields, models
from odoo.osv import expression

from ..tools import vn_address

# Vietnam's three regions (ISO 3166-2:VN codes of Odoo's provinces): the Red River delta
# and the northern midlands and mountains; the north-central and south-central coasts and
# the Central Highlands; the south-east and the Mekong delta.
VN_REGION_CODES = {
    "north": (
        "HN", "HP", "01", "02", "03", "04", "05", "06", "07", "09", "13", "14", "18", "20",
        "53", "54", "56", "61", "63", "66", "67", "68", "69", "70", "71",
    ),
    "central": (
        "DN", "21", "22", "23", "24", "25", "26", "27", "28", "29", "30", "31", "32", "33",
        "34", "35", "36", "40", "72",
    ),
    "south": (
        "SG", "CT", "37", "39", "41", "43", "44", "45", "46", "47", "49", "50", "51", "52",
        "55", "57", "58", "59", "73",
    ),
}  # fmt: skip
REGIONS = [("north", "North"), ("central", "Central"), ("south", "South")]


class ResCountryState(models.Model):
    _inherit = "res.country.state"

    stp_region = fields.Selection(
        REGIONS,
        string="Region",
        index=True,
        help="Region of Vietnam used by the customer analysis (North, Central, South). "
        "Prefilled for Vietnam's provinces; set it on provinces created later.",
    )

    stp_code = fields.Char(
        string="Official Code",
        index="btree_not_null",
        help="The province's 2-digit code in the General Statistics Office's list (Vietnam, since 1 July 2025).",
    )
    stp_merged_into_id = fields.Many2one(
        "res.country.state",
        string="Merged Into",
        index="btree_not_null",
        help="The province that absorbed this one (Vietnam, 1 July 2025). A merged province is no longer "
        "offered for new addresses; the addresses still on it are moved by the action "
        '"Move to the 2025 map" of the contacts.',
    )

    @api.model
    def name_search(self, name="", args=None, operator="ilike", limit=100):
        """Merged provinces are not offered when an address is typed (records on them
        still read them); the context key ``stp_show_merged_provinces`` offers them."""
        if not self.env.context.get("stp_show_merged_provinces"):
            args = expression.AND([args or [], [("stp_merged_into_id", "=", False)]])
        return super().name_search(name, args, operator, limit)

    @api.model
    def _stp_apply_2025_map(self):
        """Vietnam's 34 provinces since 1 July 2025: official codes, the names that changed
        and the merged provinces' absorber, from ``data/vn_provinces_2025.csv``; the
        country's wards (res.city) are then enforced, and its address reads street, ward,
        province. Idempotent (run at every module update)."""
        vietnam = self.env.ref("base.vn", raise_if_not_found=False)
        if not vietnam:
            return
        states = self.with_context(active_test=False).search([("country_id", "=", vietnam.id)])
        by_code = {state.code: state for state in states}
        for code, row in vn_address.provinces().items():
            state = by_code.get(code)
            if not state:
                continue
            values = {
                "stp_code": row["stp_code"] or False,
                "stp_merged_into_id": by_code.get(row["merged_into"], self.browse()),
            }
            if row["name"]:
                values["name"] = row["name"]
            if any(state[field] != value for field, value in values.items()):
                state.write(
                    {
                        field: value.id if isinstance(value, models.BaseModel) else value
                        for field, value in values.items()
                    }
                )
        vietnam.write(
            {
                "enforce_cities": True,
                "address_format": "%(street)s\n%(street2)s\n%(city)s, %(state_name)s\n%(country_name)s",
            }
        )

    @api.model
    def _stp_fill_regions(self):
        """Give Vietnam's provinces their region, leaving alone the ones already set
        (an administrator's choice survives module updates)."""
        vietnam = self.env.ref("base.vn", raise_if_not_found=False)
        if not vietnam:
            return
        states = self.with_context(active_test=False).search(
            [("country_id", "=", vietnam.id), ("stp_region", "=", False)]
        )
        for region, codes in VN_REGION_CODES.items():
            states.filtered(lambda state, codes=codes: state.code.removeprefix("VN-") in codes).stp_region = region
