from xmlrpc.client import Fault

from odoo.tests import HttpCase, tagged

from .common import StpCrmUsersMixin, StpCrmXmlRpcMixin

# xmlrpc.client.Fault code of an AccessError (odoo/addons/base/controllers/rpc.py)
ACCESS_ERROR = 4
# Portal users read their own company's tickets and the stages shown on them (the portal's
# "My tickets"); no other STP CRM model is theirs.
PORTAL_MODELS = {"stp.crm.ticket", "stp.crm.ticket.stage"}
# The models and customer fields of the last round, named so that the generic lists below
# cannot miss them unnoticed.
NEW_MODELS = {
    "stp.crm.customer.analysis",
    "stp.crm.age.band",
    "stp.crm.investment",
    "stp.crm.roi.report",
    "stp.crm.campaign",
    "stp.crm.campaign.line",
    "stp.crm.forecast.report",
    "stp.crm.sales.target",
    "stp.crm.forecast.snapshot",
    "stp.crm.forecast.accuracy",
    "stp.crm.forecast.asof",
}
NEW_PARTNER_FIELDS = {
    "stp_first_purchase_date",
    "stp_last_purchase_date",
    "stp_order_count",
    "stp_lifetime_revenue",
    "stp_lifetime_margin",
    "stp_average_order_value",
    "stp_purchase_frequency",
    "stp_ltv",
    "stp_ltv_date",
    "stp_receivable_due",
    "stp_receivable_overdue",
    "stp_aging_current",
    "stp_aging_1_30",
    "stp_aging_31_60",
    "stp_aging_61_90",
    "stp_aging_over_90",
    "stp_campaign_line_ids",
    "stp_campaign_count",
    "stp_birthday",
    "stp_founding_date",
    "stp_prospect_quality",
}
NEW_LEAD_FIELDS = {
    "stp_prospect_quality",
    "stp_feasibility",
    "stp_feasibility_note",
    "stp_forecast_override",
    "stp_forecast_category",
}


@tagged("post_install", "-at_install")
class TestPortalXmlRpc(HttpCase, StpCrmUsersMixin, StpCrmXmlRpcMixin):
    """A portal user logged in over XML-RPC reaches none of the CRM's models and reads none
    of its assessments of customers, their own company's included."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stp_users()
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Công ty Khách Cổng",
                "is_company": True,
                "stp_classification": "customer",
                "stp_founding_date": "2001-05-01",
            }
        )
        cls.portal_user.partner_id.write({"parent_id": cls.customer.id, "stp_birthday": "1990-03-08"})
        cls.env["crm.lead"].create(
            {"name": "Cơ hội của khách cổng", "type": "opportunity", "partner_id": cls.customer.id}
        )

    def assertAccessError(self, call, *args, msg=None, **kw):
        with self.assertRaises(Fault, msg=msg) as refused:
            call(*args, **kw)
        self.assertEqual(refused.exception.faultCode, ACCESS_ERROR, f"{msg}: {refused.exception.faultString}")

    def test_portal_user_reaches_no_crm_model(self):
        """Every STP CRM model but the tickets refuses a portal user outright (no access
        right at all), reports included: none returns an empty answer instead, since no
        record rule is what keeps them out (an empty list would say "no rows" when the
        truth is "not yours to ask")."""
        models = {name for name, model in self.env.registry.items() if name.startswith("stp.") and not model._abstract}
        self.assertLessEqual(NEW_MODELS, models)
        portal = self._login("portal_user")
        for name in sorted(models - PORTAL_MODELS):
            self.assertAccessError(portal, name, "search_read", [], fields=["display_name"], msg=name)
            self.assertAccessError(portal, name, "read_group", [], [], [], msg=name)
            self.assertAccessError(portal, name, "create", {}, msg=name)
        self.assertAccessError(portal, "crm.lead", "search_read", [], fields=sorted(NEW_LEAD_FIELDS))

    def test_portal_user_reads_no_crm_field_of_a_partner(self):
        """The CRM's fields of a partner (groups=) are not listed to a portal user and are
        refused when asked for by name (read, search, group), on the portal user's own
        partner and on their company."""
        partner_fields = {name for name in self.env["res.partner"]._fields if name.startswith("stp_")}
        self.assertLessEqual(NEW_PARTNER_FIELDS, partner_fields)
        portal = self._login("portal_user")
        own_partner = self.portal_user.partner_id.id
        [values] = portal("res.partner", "read", [own_partner], fields=["name"])
        self.assertEqual(values["name"], self.portal_user.partner_id.name, "the portal user reads their partner")
        self.assertFalse([name for name in portal("res.partner", "fields_get", attributes=["type"]) if "stp_" in name])
        for partner_id in (own_partner, self.customer.id):
            for name in sorted(partner_fields):
                self.assertAccessError(portal, "res.partner", "read", [partner_id], fields=[name], msg=name)
        for name in ("stp_birthday", "stp_founding_date", "stp_ltv", "stp_receivable_overdue"):
            self.assertAccessError(portal, "res.partner", "search_read", [(name, "!=", False)], fields=["name"])
        for name in ("stp_birthday", "stp_founding_date", "stp_ltv_date"):  # stored: they could be grouped
            self.assertAccessError(portal, "res.partner", "read_group", [], [f"{name}:max"], ["is_company"])
            self.assertAccessError(portal, "res.partner", "read_group", [], ["name:count"], [f"{name}:year"])
        user_fields = sorted(name for name in self.env["res.users"]._fields if name.startswith("stp_"))
        for name in user_fields:
            self.assertAccessError(portal, "res.users", "read", self.portal_user.ids, fields=[name], msg=name)

    def test_portal_user_reads_no_crm_setting_of_their_company(self):
        """The company's CRM settings (tier thresholds, credit limit policy, retention rate)
        are the staff's: portal users read their company, not these."""
        portal = self._login("portal_user")
        company_id = self.portal_user.company_id.id
        [values] = portal("res.company", "read", [company_id], fields=["name"])
        self.assertEqual(values["name"], self.portal_user.company_id.name, "the portal user reads their company")
        self.assertFalse([name for name in portal("res.company", "fields_get", attributes=["type"]) if "stp_" in name])
        for name in sorted(name for name in self.env["res.company"]._fields if name.startswith("stp_")):
            self.assertAccessError(portal, "res.company", "read", [company_id], fields=[name], msg=name)
