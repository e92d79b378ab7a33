from odoo import api, fields, models

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
