from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .crm_stage import OPEN_FORECAST_CATEGORIES
from .res_partner import PROSPECT_QUALITIES

# Smart buttons of an opportunity: count field -> (model linked by its lead_id, action opening it).
LINKED_DOCUMENTS = {
    "stp_work_plan_count": ("stp.crm.work.plan", "stp_crm.stp_crm_work_plan_action"),
    "stp_interaction_count": ("stp.crm.interaction", "stp_crm.stp_crm_interaction_action"),
    "stp_contract_count": ("stp.crm.contract", "stp_crm.stp_crm_contract_action"),
    "stp_ticket_count": ("stp.crm.ticket", "stp_crm.stp_crm_ticket_action"),
}


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "stp.crm.interaction.source"]

    stp_feasibility = fields.Selection(
        [("high", "High"), ("medium", "Medium"), ("low", "Low")],
        string="Feasibility",
        index=True,
        tracking=True,
        help="How likely the salesperson judges this opportunity to close.",
    )
    stp_feasibility_note = fields.Text(string="Feasibility Reason")
    stp_forecast_override = fields.Selection(
        OPEN_FORECAST_CATEGORIES,
        string="Forecast Override",
        tracking=True,
        help="Set by the salesperson to put an open opportunity in another forecast category than its stage's.",
    )
    stp_forecast_category = fields.Selection(
        OPEN_FORECAST_CATEGORIES + [("won", "Won"), ("lost", "Lost")],
        string="Forecast Category",
        compute="_compute_stp_forecast_category",
        store=True,
        index=True,
        help="Won or lost once the opportunity is closed; while open, the salesperson's override "
        "or else the stage's forecast category.",
    )
    # The prospect's profile, carried onto the customer when the lead gets one.
    stp_prospect_quality = fields.Selection(
        PROSPECT_QUALITIES, string="Prospect Quality", tracking=True, help="Carried onto the customer."
    )
    # Odoo's own UTM source of the lead (utm.mixin's source_id): one fact, one place.
    stp_source_id = fields.Many2one(
        related="source_id", string="Prospect Source", readonly=False, help="Carried onto the customer."
    )
    stp_work_plan_count = fields.Integer(compute="_compute_stp_linked_counts", string="Work Plan Count")
    stp_interaction_count = fields.Integer(compute="_compute_stp_linked_counts", string="Interaction Count")
    stp_contract_count = fields.Integer(compute="_compute_stp_linked_counts", string="Contract Count")
    stp_ticket_count = fields.Integer(compute="_compute_stp_linked_counts", string="Ticket Count")

    @api.depends("active", "probability", "stage_id.is_won", "stage_id.stp_forecast_category", "stp_forecast_override")
    def _compute_stp_forecast_category(self):
        for lead in self:
            # Odoo's semantics: lost = archived (action_set_lost archives, with probability 0);
            # won = an active opportunity in a won stage.
            if not lead.active:
                lead.stp_forecast_category = "lost"
            elif lead.stage_id.is_won:
                lead.stp_forecast_category = "won"
            else:
                lead.stp_forecast_category = (
                    lead.stp_forecast_override or lead.stage_id.stp_forecast_category or "pipeline"
                )

    @api.depends_context("uid")
    def _compute_stp_linked_counts(self):
        """One grouped count per linked model, of the records the user may read: a
        model the user has no access to counts nothing instead of raising."""
        for field_name, (model_name, _xmlid) in LINKED_DOCUMENTS.items():
            linked = self.env[model_name]
            counts = {}
            if self.ids and linked.has_access("read"):
                counts = dict(linked._read_group([("lead_id", "in", self.ids)], ["lead_id"], ["__count"]))
            for lead in self:
                lead[field_name] = counts.get(lead._origin, 0)

    # ------------------------------------------------------------------
    # Forecast override: open opportunities only
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads._stp_refuse_override_on_closed(
            leads.filtered(lambda lead: lead.stp_forecast_override and lead._stp_is_closed())
        )
        return leads

    def write(self, vals):
        # Checked before writing: a refused write leaves nothing behind, not even in the cache.
        if vals.get("stp_forecast_override"):
            stage = self.env["crm.stage"].browse(vals["stage_id"]) if vals.get("stage_id") else None
            active = vals.get("active", None)
            self._stp_refuse_override_on_closed(
                self.filtered(lambda lead: lead._stp_is_closed(stage=stage, active=active))
            )
        return super().write(vals)

    def _stp_is_closed(self, stage=None, active=None):
        """Won or lost, or would be with this ``stage``/``active`` about to be written."""
        self.ensure_one()
        active = self.active if active is None else active
        return not active or (stage or self.stage_id).is_won

    def _stp_refuse_override_on_closed(self, closed):
        """A won or lost opportunity is in its final category: its forecast cannot be overridden."""
        if closed:
            raise ValidationError(
                self.env._(
                    "Only an open opportunity can have its forecast category overridden: %(leads)s is won or lost.",
                    leads=", ".join(closed.mapped("display_name")),
                )
            )

    # ------------------------------------------------------------------
    # Prospect profile carried onto the customer
    # ------------------------------------------------------------------
    def _handle_partner_assignment(self, force_partner_id=False, create_missing=True):
        # Used by the convert wizard, "convert to opportunity" and partner creation from the lead.
        result = super()._handle_partner_assignment(force_partner_id=force_partner_id, create_missing=create_missing)
        self._stp_carry_prospect_profile()
        return result

    def _stp_carry_prospect_profile(self):
        """Carry the prospect quality and source onto the lead's customer (its
        commercial partner), filling only what the customer does not have yet; a
        customer without classification becomes a prospect. Written as superuser:
        the salesperson converting a lead may lack the rights on the customer's CRM
        fields; the tracking still names them."""
        for lead in self:
            customer = lead.partner_id.commercial_partner_id.sudo()
            if not customer:
                continue
            values = {
                "stp_prospect_quality": lead.stp_prospect_quality,
                "stp_source_id": lead.source_id.id,
                "stp_classification": "prospect",
            }
            values = {name: value for name, value in values.items() if value and not customer[name]}
            if values:
                customer.write(values)

    # ------------------------------------------------------------------
    # Smart buttons
    # ------------------------------------------------------------------
    def _stp_linked_action(self, count_field):
        """The action listing the records of ``count_field``'s model linked to this opportunity."""
        self.ensure_one()
        xmlid = LINKED_DOCUMENTS[count_field][1]
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("lead_id", "=", self.id)]
        action["context"] = {
            "default_lead_id": self.id,
            "default_partner_id": self.partner_id.commercial_partner_id.id,
        }
        return action

    def action_stp_open_work_plans(self):
        return self._stp_linked_action("stp_work_plan_count")

    def action_stp_open_interactions(self):
        return self._stp_linked_action("stp_interaction_count")

    def action_stp_open_contracts(self):
        return self._stp_linked_action("stp_contract_count")

    def action_stp_open_tickets(self):
        return self._stp_linked_action("stp_ticket_count")

    @api.readonly
    def action_stp_open_timeline(self):
        """The customer timeline restricted to the events of this opportunity."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stp_crm.stp_crm_timeline_action")
        action["domain"] = [("lead_id", "=", self.id)]
        action["display_name"] = self.env._("History of %(opportunity)s", opportunity=self.display_name)
        return action

    def _stp_interaction_values(self):
        self.ensure_one()
        customer = self.partner_id.commercial_partner_id
        if not customer:
            return {}
        return {
            "partner_id": customer.id,
            "lead_id": self.id,
            "user_id": self.user_id.id,
            "company_id": (self.company_id or self.env.company).id,
        }
