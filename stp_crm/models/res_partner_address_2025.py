from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

from ..tools import vn_address
from ..tools.cron_batch import run_batch
from ..tools.groups import CRM_USER, INVOICING_READ, PARTNER_MANAGER

ADDRESS_2025_BATCH_SIZE = 2000
ADDRESS_TEXT_FIELDS = ("street", "street2", "city")
# Values proper to each partner, written apart from the ones many partners share.
OWN_FIELDS = ("street", "street2", "stp_address_before_2025")
# Who edits contacts, and the CRM's users, see how an address was moved (not the portal).
ADDRESS_MOVERS = f"{PARTNER_MANAGER},{CRM_USER}"
# Today's province: for them, and for the receivables list's readers.
CURRENT_STATE_READERS = f"{ADDRESS_MOVERS},{INVOICING_READ}"


class ResPartner(models.Model):
    """Vietnam's 2025 map on the contacts: a partner's province moves to its absorber and
    its ward is read from the address text (``tools/vn_address.py``); what cannot be read
    is flagged for a person. Only partners move: contracts, tickets, deliveries and
    invoices keep the addresses printed on them."""

    _inherit = "res.partner"

    stp_address_before_2025 = fields.Text(
        string="Address Before 2025",
        readonly=True,
        copy=False,
        groups=ADDRESS_MOVERS,
        help="The full address as it was before it was moved to Vietnam's map of 1 July 2025 (kept once).",
    )
    stp_state_before_2025_id = fields.Many2one(
        "res.country.state",
        string="Province Before 2025",
        readonly=True,
        copy=False,
        groups=ADDRESS_MOVERS,
        help="The merged province the address was on before it was moved to the 2025 map.",
    )
    stp_address_to_check = fields.Boolean(
        string="Address to Check",
        index="btree_not_null",
        copy=False,
        groups=ADDRESS_MOVERS,
        help="The ward of this Vietnamese address could not be recognised when it was moved to the 2025 map: "
        "pick it in the list. Cleared when a ward is set.",
    )

    stp_current_state_id = fields.Many2one(
        "res.country.state",
        string="Province Today",
        compute="_compute_stp_current_state_id",
        store=True,
        index="btree_not_null",
        groups=CURRENT_STATE_READERS,
        help="The partner's province on Vietnam's map of 1 July 2025: a merged province counts as the province "
        "that absorbed it, until the address is moved. Receivables, campaign segments and the customer profile "
        "read it.",
    )

    def _auto_init(self):
        """On an existing database, the province today in one UPDATE (not computed partner
        by partner)."""
        cr = self.env.cr
        if not column_exists(cr, self._table, "stp_current_state_id"):
            create_column(cr, self._table, "stp_current_state_id", "int4")
            merged = (
                SQL("COALESCE(state.stp_merged_into_id, state.id)")
                if column_exists(cr, "res_country_state", "stp_merged_into_id")
                else SQL("state.id")
            )
            cr.execute(
                SQL(
                    "UPDATE %s partner SET stp_current_state_id = %s "
                    "FROM res_country_state state WHERE state.id = partner.state_id",
                    SQL.identifier(self._table),
                    merged,
                )
            )
        return super()._auto_init()

    @api.depends("state_id", "state_id.stp_merged_into_id")
    def _compute_stp_current_state_id(self):
        for partner in self:
            partner.stp_current_state_id = partner.state_id.stp_merged_into_id or partner.state_id

    def write(self, vals):
        result = super().write(vals)
        if vals.get("city_id") and "stp_address_to_check" not in vals:
            # Bookkeeping of the move: whoever picks the ward clears the flag, CRM user or not.
            self.sudo().filtered("stp_address_to_check").write({"stp_address_to_check": False})
        return result

    def action_stp_update_address_2025(self):
        """Move the selected contacts' addresses to the 2025 map (button and action on a
        selection); a notification tells how many moved and how many are left to check."""
        moved = self._stp_update_address_2025()
        to_check = len(self.filtered("stp_address_to_check"))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if to_check else "success",
                "message": self.env._(
                    "%(moved)s address(es) moved to the 2025 map, %(to_check)s to check.",
                    moved=moved,
                    to_check=to_check,
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _cron_stp_update_address_2025(self, batch_size=ADDRESS_2025_BATCH_SIZE):
        """Move every Vietnamese partner still on the old map, one bounded batch per call.
        Without a chatter note per partner (100,000 notes would double the time): the address
        as it was is kept in ``stp_address_before_2025``."""
        steps = [
            (
                self._stp_address_2025_domain(),
                lambda partners: partners.with_context(tracking_disable=True)._stp_update_address_2025(),
            )
        ]
        return run_batch(self, steps, batch_size, "_cron_stp_update_address_2025")

    @api.model
    def _stp_address_2025_domain(self):
        """Vietnamese partners still to move: on a merged province, or with an address
        text but no ward and not flagged. Moving a partner takes it out of the domain."""
        vietnam = self.env.ref("base.vn", raise_if_not_found=False)
        if not vietnam:
            return [("id", "=", 0)]
        return [
            ("country_id", "=", vietnam.id),
            "|",
            ("state_id.stp_merged_into_id", "!=", False),
            "&",
            "&",
            ("city_id", "=", False),
            ("stp_address_to_check", "=", False),
            "|",
            "|",
            ("city", "!=", False),
            ("street", "!=", False),
            ("street2", "!=", False),
        ]

    def _stp_update_address_2025(self):
        """Move these partners' addresses; partners getting the same values (most of them:
        only their province) are written together. Returns the number of partners moved.
        Idempotent: a partner already on the new map gets no write."""
        vietnam = self.env.ref("base.vn", raise_if_not_found=False)
        if not vietnam:
            return 0
        cities = self.env["res.city"].search_fetch(
            [("country_id", "=", vietnam.id), ("stp_code", "!=", False)], ["stp_code", "name"]
        )
        context = {
            "vietnam": vietnam,
            "cities": {city.stp_code: city for city in cities},
            "states": {
                state.code: state for state in self.env["res.country.state"].search([("country_id", "=", vietnam.id)])
            },
        }
        groups = defaultdict(list)
        own_values = {}
        moved = 0
        for partner in self:
            values = partner._stp_address_2025_values(context)
            moved += bool({"state_id", "city_id"} & values.keys())
            own = {field: values.pop(field) for field in OWN_FIELDS if field in values}
            if own:
                own_values[partner] = own
            if values:
                groups[tuple(sorted(values.items()))].append(partner.id)
        for values, ids in groups.items():
            self.browse(ids)._stp_system_write(dict(values))  # the province before 2025 is a system field
        self._stp_write_own_address_values(own_values)
        return moved

    def _stp_write_own_address_values(self, own_values):
        """The values proper to each partner: its street without the ward, by the ORM (rare),
        and the address before 2025, a column of this module's own that nothing depends on,
        in one UPDATE (a write per partner would make a batch cost per partner)."""
        before = {partner.id: own.pop("stp_address_before_2025") for partner, own in own_values.items()
                  if "stp_address_before_2025" in own}  # fmt: skip
        for partner, own in own_values.items():
            if own:
                partner.write(own)
        if before:
            self.flush_model(["stp_address_before_2025"])
            self.env.cr.execute(
                SQL(
                    "UPDATE res_partner SET stp_address_before_2025 = data.text FROM (VALUES %s) AS data(id, text) "
                    "WHERE res_partner.id = data.id",
                    SQL(", ").join(SQL("(%s, %s)", partner_id, text) for partner_id, text in before.items()),
                )
            )
            self.browse(before).invalidate_recordset(["stp_address_before_2025"])

    def _stp_address_2025_values(self, context):
        """The values that move this partner to the 2025 map ({} if nothing to do)."""
        self.ensure_one()
        if (self.country_id or self.state_id.country_id) != context["vietnam"]:
            return {}
        parts = vn_address.split_address(*(self[field] for field in ADDRESS_TEXT_FIELDS))
        old_state = self.state_id or self._stp_state_in_text(parts, context["states"])
        state = old_state.stp_merged_into_id or old_state
        values = {"state_id": state.id} if state != self.state_id else {}
        if state and not (self.city_id and self.city_id.state_id == state):
            values.update(self._stp_ward_values(state, parts, context["cities"]))
        if values and not self.stp_address_before_2025:
            values["stp_address_before_2025"] = self._stp_full_address()
            if old_state != state:
                values["stp_state_before_2025_id"] = old_state.id
        return values

    @api.model
    def _stp_state_in_text(self, parts, states):
        for part in parts:
            code = vn_address.province_code_in(part)
            if code and code in states:
                return states[code]
        return self.env["res.country.state"]

    def _stp_ward_values(self, state, parts, cities):
        """The ward read from the address text (and the text without its ward, district
        and province), or the "to check" flag when it cannot be read."""
        code, used = vn_address.find_ward(state.stp_code, parts)
        city = cities.get(code)
        if not city:
            return {} if self.stp_address_to_check or not parts else {"stp_address_to_check": True}
        values = {"city_id": city.id, "city": city.name, "stp_address_to_check": False}
        for field in ("street", "street2"):
            kept = [
                part
                for part in vn_address.split_address(self[field])
                if part not in used and not vn_address.province_code_in(part)
            ]
            if ", ".join(kept) != (self[field] or ""):
                values[field] = ", ".join(kept) or False
        return values

    def _stp_full_address(self):
        lines = self._display_address(without_company=True).splitlines()
        return ", ".join(line.strip(" ,") for line in lines if line.strip(" ,"))
