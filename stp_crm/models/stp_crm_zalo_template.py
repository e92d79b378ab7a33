import json

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .mailing_mailing import AD_LIMIT

PURPOSES = [("care", "Customer Care"), ("advertising", "Advertising")]


class StpCrmZaloTemplate(models.Model):
    """A ZNS template approved by Zalo, and how its parameters are filled from a record."""

    _name = "stp.crm.zalo.template"
    _inherit = ["mail.thread", "stp.crm.guarded.mixin"]
    _description = "Zalo ZNS Template"
    _order = "name, id"
    _check_company_auto = True

    account_id = fields.Many2one(
        "stp.crm.zalo.account", string="Zalo Account", required=True, index=True, ondelete="cascade", tracking=True
    )
    name = fields.Char(required=True, tracking=True)
    zalo_template_id = fields.Char(string="Zalo Template ID", required=True, tracking=True)
    model = fields.Char(
        string="Applies To",
        required=True,
        default="res.partner",
        tracking=True,
        help="The technical name of the model the template is filled from: stp.crm.campaign.line, "
        "stp.crm.ticket, res.partner…",
    )
    template_data = fields.Text(
        string="Parameters",
        required=True,
        default="{}",
        help="A JSON object: each ZNS parameter and the inline template that fills it, e.g. "
        '{"customer_name": "{{ object.partner_id.name }}"}.',
    )
    purpose = fields.Selection(
        PURPOSES, required=True, default="care", tracking=True, help="The type Zalo approved the template for."
    )
    state = fields.Selection(
        [("pending", "Pending Approval"), ("enabled", "Enabled"), ("rejected", "Rejected"), ("disabled", "Disabled")],
        string="Status",
        required=True,
        default="pending",
        copy=False,
        tracking=True,
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    active = fields.Boolean(default=True)

    @api.constrains("model")
    def _check_model(self):
        for template in self:
            if not self.env["ir.model"].sudo().search_count([("model", "=", template.model)], limit=1):
                raise ValidationError(
                    self.env._("%(model)s is not the technical name of a model.", model=template.model)
                )

    @api.constrains("template_data", "model")
    def _check_template_data(self):
        render = self.env["mail.render.mixin"]
        editor = self.env.is_admin() or self.env.user.has_group("mail.group_mail_template_editor")
        for template in self:
            params = template._stp_params()
            if not editor and any(
                render._has_unsafe_expression_template_inline_template(value, template.model)
                for value in params.values()
            ):
                raise ValidationError(
                    self.env._(
                        "Only mail template editors may use expressions other than fields "
                        "(such as {{ object.partner_id.name }}) in %(template)s.",
                        template=template.name,
                    )
                )

    def _stp_params(self):
        """``template_data`` read as ``{parameter: inline template}`` (a clear error otherwise)."""
        self.ensure_one()
        try:
            params = json.loads(self.template_data or "{}")
        except ValueError as error:
            raise ValidationError(
                self.env._(
                    "The parameters of %(template)s are not valid JSON: %(error)s", template=self.name, error=error
                )
            ) from error
        if not isinstance(params, dict) or not all(
            isinstance(key, str) and isinstance(value, str | int | float) for key, value in params.items()
        ):
            raise ValidationError(
                self.env._(
                    'The parameters of %(template)s must be a JSON object of texts, e.g. {"name": "{{ object.name }}"}.',
                    template=self.name,
                )
            )
        return {key: str(value) for key, value in params.items()}

    def _stp_render(self, records):
        """``{record id: {parameter: value}}``: the parameters rendered on ``records``
        (of the template's model), with the reader's rights."""
        self.ensure_one()
        if records._name != self.model:
            raise ValidationError(
                self.env._(
                    "%(template)s fills its parameters from %(model)s, not from %(other)s.",
                    template=self.name,
                    model=self.model,
                    other=records._name,
                )
            )
        # mail.template's rendering: any expression a template editor wrote (the constraint
        # above), on records read with the reader's rights
        render = self.env["mail.template"]
        values = {record.id: {} for record in records}
        for param, source in self._stp_params().items():
            for res_id, text in render._render_template(source, records._name, records.ids).items():
                values[res_id][param] = text
        return values

    def _stp_queue_for(self, records, partner_field="partner_id"):
        """Queue one ZNS of this template per record of ``records``, to the customer in
        ``partner_field`` (``"id"`` when the records are the partners). A message that
        must not go is created cancelled, saying why: no mobile, not a Vietnamese number,
        a number on the phone blacklist, an advertising template without a given ``zalo``
        advertising consent, an advertising template to a number that already got 3
        advertising ZNS in the last 24 hours (sent or still to go: Decree 91/2020/NĐ-CP), a
        template not enabled. Returns the messages; the sending
        cron is triggered."""
        self.ensure_one()
        records.check_access("read")
        partners = records.mapped(partner_field) if partner_field != "id" else records
        consenting = partners.browse()
        if self.purpose == "advertising":
            consenting = self.env["stp.crm.consent"]._stp_consenting_partners(partners, "zalo", "advertising")
        values = self._stp_render(records) if self.state == "enabled" else {}
        phones = {}
        vietnam = self.env.ref("base.vn")
        for record in records:
            partner = record if partner_field == "id" else record[partner_field]
            phones[record.id] = partner and self.env["stp.crm.zalo.message"]._stp_zalo_phone(partner, vietnam)
        blacklisted = set(
            self.env["phone.blacklist"]
            .sudo()
            .search([("number", "in", ["+" + phone for phone in phones.values() if phone])])
            .mapped("number")
        )
        counts = {}
        if self.purpose == "advertising":
            counts = self.env["stp.crm.zalo.message"]._stp_advertising_counts(phones.values())
        vals_list = []
        for record in records:
            partner = record if partner_field == "id" else record[partner_field]
            phone = phones[record.id]
            reason = False
            if self.state != "enabled":
                reason = self.env._("The template %(template)s is not enabled on Zalo.", template=self.name)
            elif not partner:
                reason = self.env._("No customer.")
            elif not phone:
                reason = self.env._("No Vietnamese mobile number.")
            elif "+" + phone in blacklisted:
                reason = self.env._("The number is on the phone blacklist.")
            elif self.purpose == "advertising" and partner not in consenting:
                reason = self.env._("No Zalo advertising consent given.")
            elif self.purpose == "advertising" and counts.get(phone, 0) >= AD_LIMIT:
                reason = self.env["stp.crm.zalo.message"]._stp_ad_limit_reason()
            if self.purpose == "advertising" and not reason:
                counts[phone] = counts.get(phone, 0) + 1
            vals_list.append(
                {
                    "account_id": self.account_id.id,
                    "template_id": self.id,
                    "partner_id": partner.id,
                    "phone": phone or False,
                    "template_data": json.dumps(values.get(record.id, {}), ensure_ascii=False),
                    "res_model": record._name,
                    "res_id": record.id,
                    "state": "cancel" if reason else "queued",
                    "error_message": reason,
                }
            )
        return self.env["stp.crm.zalo.message"]._stp_queue(vals_list)

    def action_stp_preview(self):
        """The parameters rendered on the first record of the model (a check for the manager)."""
        self.ensure_one()
        record = self.env[self.model].search([], limit=1)
        text = json.dumps(self._stp_render(record)[record.id], ensure_ascii=False, indent=1) if record else "{}"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"title": self.env._("Preview on %(record)s", record=record.display_name), "message": text},
        }
