from odoo import api, fields, models
from odoo.exceptions import ValidationError

NO_UPPER_AGE = 999  # an open band (no "to" age) stands for any age from its "from" age on


class StpCrmAgeBand(models.Model):
    """An age group of the customer analysis: people by the age of their birthday,
    companies by the years since their founding, both at the invoice date."""

    _name = "stp.crm.age.band"
    _description = "Customer Age Band"
    _order = "partner_kind, age_from, id"

    name = fields.Char(translate=True, help="Empty: the band is named after its ages, e.g. '55 and over'.")
    partner_kind = fields.Selection(
        [("person", "Individuals"), ("company", "Companies")],
        string="Applies To",
        required=True,
        default="person",
        help="Individuals are grouped by their age (birthday), companies by the years since their founding date.",
    )
    age_from = fields.Integer(string="From Age", required=True, help="In whole years, included.")
    age_to = fields.Integer(string="To Age", help="In whole years, included. Empty (or 0): no upper limit.")
    company_id = fields.Many2one("res.company", index=True, help="Empty: the band applies to every company.")
    active = fields.Boolean(default=True)
    age_range = fields.Char(string="Ages", compute="_compute_age_range")

    @api.depends("partner_kind", "age_from", "age_to")
    @api.depends_context("lang")
    def _compute_age_range(self):
        """The ages in words, an open end included: '55 and over', 'Under 20', '25 - 34'."""
        for band in self:
            band.age_range = band._stp_age_range()

    def _stp_age_range(self):
        person = self.partner_kind != "company"
        if not self.age_to:
            if not self.age_from:
                return self.env._("Any age") if person else self.env._("Any number of years")
            return (
                self.env._("%(age)s and over", age=self.age_from)
                if person
                else self.env._("%(age)s years and over", age=self.age_from)
            )
        if not self.age_from:
            upper = self.age_to + 1
            return self.env._("Under %(age)s", age=upper) if person else self.env._("Under %(age)s years", age=upper)
        ages = {"age_from": self.age_from, "age_to": self.age_to}
        return (
            self.env._("%(age_from)s - %(age_to)s", **ages)
            if person
            else self.env._("%(age_from)s - %(age_to)s years", **ages)
        )

    @api.depends("name", "age_range")
    def _compute_display_name(self):
        for band in self:
            band.display_name = band.name or band.age_range

    # The customer analysis caches the bands' bounds (stp.crm.customer.analysis._age_band_bounds).
    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()

    @api.constrains("age_from", "age_to", "partner_kind", "company_id", "active")
    def _check_stp_age_band(self):
        for band in self:
            if band.age_from < 0 or (band.age_to and band.age_to < band.age_from):
                raise ValidationError(
                    self.env._(
                        "Age band %(band)s: ages must be positive and 'to' not below 'from'.", band=band.display_name
                    )
                )
            if not band.active:
                continue
            others = self.sudo().search([("id", "!=", band.id), ("partner_kind", "=", band.partner_kind)])
            if any(band._overlaps(other) for other in others):
                raise ValidationError(
                    self.env._(
                        "Age band %(band)s overlaps another band for the same customers.", band=band.display_name
                    )
                )

    def _overlaps(self, other):
        """Both bands may apply to the same invoice (same company, or one for all) and share an age."""
        if self.company_id and other.company_id and self.company_id != other.company_id:
            return False
        upper, other_upper = self.age_to or NO_UPPER_AGE, other.age_to or NO_UPPER_AGE
        return self.age_from <= other_upper and other.age_from <= upper
