from odoo import models
from odoo.tools import SQL

# What Odoo's Privacy lookup does not see by itself: the person fields it skips (it leaves out
# many2one fields deleted in cascade with the partner) and e-mail fields not named like its own.
STP_LOOKUP_PARTNER_FIELDS = {
    "stp.crm.consent": ("partner_id",),
    "stp.crm.campaign.line": ("partner_id",),
}
STP_LOOKUP_EMAIL_FIELDS = {
    # Tickets opened from an e-mail before the sender was a contact.
    "stp.crm.ticket": "partner_email",
}


class PrivacyLookupWizard(models.TransientModel):
    _inherit = "privacy.lookup.wizard"

    def _get_query_models_blacklist(self):
        # The requests are the audit trail of the person's rights, like privacy.log: never deleted from here.
        return [*super()._get_query_models_blacklist(), "stp.crm.privacy.request"]

    def _get_query(self):
        query = super()._get_query()
        email = f"%{self.email.strip()}%"
        model_ids = {
            model.model: model.id
            for model in self.env["ir.model"].search(
                [("model", "in", [*STP_LOOKUP_PARTNER_FIELDS, *STP_LOOKUP_EMAIL_FIELDS])]
            )
        }
        for model_name, field_names in STP_LOOKUP_PARTNER_FIELDS.items():
            conditions = [
                SQL("%s IN (SELECT id FROM indirect_references)", SQL.identifier(name)) for name in field_names
            ]
            query = self._stp_union(query, model_ids[model_name], model_name, SQL(" OR ").join(conditions))
        for model_name, field_name in STP_LOOKUP_EMAIL_FIELDS.items():
            # Those with the person as partner are already found by Odoo's lookup.
            condition = SQL(
                "%s ILIKE %s AND (partner_id IS NULL OR partner_id NOT IN (SELECT id FROM indirect_references))",
                SQL.identifier(field_name),
                email,
            )
            query = self._stp_union(query, model_ids[model_name], model_name, condition)
        return query

    def _stp_union(self, query, model_id, model_name, condition):
        model = self.env[model_name]
        return SQL(
            "%s UNION ALL SELECT %s AS res_model_id, id AS res_id, %s AS is_active FROM %s WHERE %s",
            query,
            model_id,
            SQL.identifier("active") if "active" in model else True,
            SQL.identifier(model._table),
            condition,
        )
