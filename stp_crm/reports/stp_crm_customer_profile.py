from odoo import api, models

from ..models.res_partner import RECEIVABLE_BUCKETS
from ..tools.groups import INVOICING_READ

LAST_INTERACTIONS = 10
# The lifetime amounts of the profile, in company currency, in their column order.
LTV_AMOUNTS = ("stp_lifetime_revenue", "stp_lifetime_margin", "stp_average_order_value", "stp_ltv")


class StpCrmCustomerProfileReport(models.AbstractModel):
    """One page per customer: who they are, what they owe and are worth, what they run, what is open.
    Each section lists only what the printing user may read (no sudo)."""

    _name = "report.stp_crm.report_customer_profile"
    _description = "Customer Profile Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        partners = self.env["res.partner"].browse(docids).commercial_partner_id
        invoicing_reader = self.env.user.has_groups(INVOICING_READ)  # receivables and LTV are invoice figures
        return {
            "doc_ids": partners.ids,
            "doc_model": "res.partner",
            "docs": partners,
            "sections": {partner.id: self._profile_sections(partner) for partner in partners},
            "show_receivables": invoicing_reader,
            "receivable_fields": list(RECEIVABLE_BUCKETS),
            "show_ltv": invoicing_reader,
            "ltv_amount_fields": list(LTV_AMOUNTS),
        }

    @api.model
    def _profile_sections(self, partner):
        family = [("partner_id", "child_of", partner.id)]

        def readable(model, domain, **kwargs):
            records = self.env[model]
            return records.search(domain, **kwargs) if records.has_access("read") else records

        return {
            "installed_products": readable("stp.crm.installed.product", family + [("state", "!=", "retired")]),
            "open_tickets": readable("stp.crm.ticket", family + [("is_closed", "=", False)]),
            "running_contracts": readable("stp.crm.contract", family + [("state", "=", "running")]),
            "interactions": readable(
                "stp.crm.interaction", family, order="date desc, id desc", limit=LAST_INTERACTIONS
            ),
            "opportunities": readable(
                "crm.lead", family + [("type", "=", "opportunity"), ("stage_id.is_won", "=", False)]
            ),
        }
