import logging

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

_logger = logging.getLogger(__name__)


class StpCrmInteraction(models.Model):
    _name = "stp.crm.interaction"
    _description = "Interaction"
    _inherit = ["mail.thread", "stp.crm.input.mixin"]
    _order = "date desc, id desc"
    _rec_name = "summary"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True, check_company=True
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Contact Person",
        index="btree_not_null",
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id)]",
    )
    # No check_company: interactions are logged automatically for whoever talked to the customer.
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        default=lambda self: self.env.user,
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True, tracking=True)
    channel = fields.Selection(
        [
            ("phone", "Phone"),
            ("email", "Email"),
            ("fax", "Fax"),
            ("web", "Web"),
            ("sms", "SMS"),
            ("zalo", "Zalo"),
            ("post", "Post"),
            ("in_person", "In Person"),
        ],
        required=True,
        default="phone",
        index=True,
        tracking=True,
    )
    direction = fields.Selection(
        [("inbound", "Inbound"), ("outbound", "Outbound")],
        required=True,
        default="outbound",
        tracking=True,
    )
    duration = fields.Float(help="In hours.")
    summary = fields.Char(required=True, tracking=True)
    outcome = fields.Text()
    lead_id = fields.Many2one("crm.lead", string="Opportunity", index="btree_not_null", check_company=True)
    work_plan_id = fields.Many2one("stp.crm.work.plan", index="btree_not_null", check_company=True, ondelete="set null")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    # Zalo's id of the message an inbound Zalo interaction came from: Zalo retries its events.
    zalo_msg_id = fields.Char(string="Zalo Message ID", copy=False, index="btree_not_null")

    _sql_constraints = [
        ("zalo_msg_id_unique", "UNIQUE (zalo_msg_id)", "This Zalo message is already logged."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        # Interactions always belong to the commercial partner; the person goes to contact_id.
        partners = self.env["res.partner"].browse(vals["partner_id"] for vals in vals_list if vals.get("partner_id"))
        for vals in vals_list:
            partner = partners.browse(vals.get("partner_id"))
            if partner and partner != partner.commercial_partner_id:
                vals.setdefault("contact_id", partner.id)
                vals["partner_id"] = partner.commercial_partner_id.id
        return super().create(vals_list)

    @api.model
    def _stp_log_automatically(self, vals_list):
        """Create the interactions logged on their own (emails, done activities), in
        the customer's company. Each is created in a savepoint: one that cannot be
        written is logged as an error and never breaks the message post, the
        incoming email or the activity that triggered it. A concurrency error (another
        transaction wrote the same rows) is no such failure: it goes up, and Odoo runs the
        whole request again (swallowed, it left the transaction aborted and the request
        failed)."""
        interactions = self.sudo().browse()
        for vals in vals_list:
            customer = self.env["res.partner"].sudo().browse(vals["partner_id"]).commercial_partner_id
            if customer.company_id:
                vals = dict(vals, company_id=customer.company_id.id)
            try:
                with self.env.cr.savepoint():
                    interactions |= self.sudo().create(vals)
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                raise
            except Exception:  # noqa: BLE001 - whatever the cause, the triggering action goes on
                _logger.exception("STP CRM: could not log the interaction %r", vals.get("summary"))
        return interactions

    @api.constrains("duration")
    def _check_duration(self):
        if any(interaction.duration < 0 for interaction in self):
            raise ValidationError(self.env._("The duration of an interaction cannot be negative."))

    @api.constrains("partner_id", "contact_id")
    def _check_contact(self):
        for interaction in self:
            if interaction.contact_id and interaction.contact_id.commercial_partner_id != interaction.partner_id:
                raise ValidationError(
                    self.env._(
                        "%(contact)s is not a contact of %(partner)s.",
                        contact=interaction.contact_id.display_name,
                        partner=interaction.partner_id.display_name,
                    )
                )
