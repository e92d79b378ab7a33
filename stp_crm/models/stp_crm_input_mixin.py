from odoo import api, models
from odoo.exceptions import ValidationError


class StpCrmInputMixin(models.AbstractModel):
    """Refuses unknown selection values with a translated ValidationError that
    lists the allowed ones, before anything is written (integrators calling over
    XML-RPC otherwise get a bare ValueError)."""

    _name = "stp.crm.input.mixin"
    _description = "STP CRM input checks"

    def _stp_checked_selection_fields(self):
        """Selection fields (with a static list of values) checked on create/write."""
        own_model = self._name.startswith("stp.")
        return [
            name
            for name, field in self._fields.items()
            if field.type == "selection"
            and isinstance(field.selection, list)
            and (own_model or name.startswith("stp_"))
        ]

    def _stp_check_selection_values(self, vals_list):
        checked = self._stp_checked_selection_fields()
        for vals in vals_list:
            for name in checked:
                value = vals.get(name)
                if value in (None, False):
                    continue
                field = self._fields[name]
                allowed = [key for key, _label in field.selection]
                if value not in allowed:
                    raise ValidationError(
                        self.env._(
                            "'%(value)s' is not a valid value for %(field)s. Allowed values: %(allowed)s.",
                            value=value,
                            field=field._description_string(self.env),
                            allowed=", ".join(allowed),
                        )
                    )

    @api.model_create_multi
    def create(self, vals_list):
        self._stp_check_selection_values(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._stp_check_selection_values([vals])
        return super().write(vals)
