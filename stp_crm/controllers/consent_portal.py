from werkzeug.exceptions import BadRequest, Forbidden

from odoo import fields, http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

DECISIONS = ("give", "withdraw")


class StpCrmConsentPortal(CustomerPortal):
    """My account ▸ Communication preferences: a customer sees and changes their own consents
    (Decree 91/2020/NĐ-CP, Law 91/2025/QH15) in the company they deal with, through the
    consents' actions, recorded with the source ``portal`` and what they did as evidence."""

    def _stp_consents(self):
        # sudo: portal users have no access to consents at all; the controller reads and changes
        # only the logged-in person's own, in the current company
        return (
            request.env["stp.crm.consent"]
            .sudo()
            .search([("partner_id", "=", request.env.user.partner_id.id), ("company_id", "=", request.env.company.id)])
        )

    @http.route("/my/communication", type="http", auth="user", website=True, methods=["GET"])
    def portal_my_stp_communication(self, updated=None, **kw):
        Consent = request.env["stp.crm.consent"]
        consents = {(consent.channel, consent.purpose): consent for consent in self._stp_consents()}
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "stp_communication",
                "channels": Consent._fields["channel"]._description_selection(request.env),
                "purposes": Consent._fields["purpose"]._description_selection(request.env),
                "consents": consents,
                "updated": bool(updated),
            }
        )
        return request.render("stp_crm.portal_my_stp_communication", values)

    @http.route("/my/communication/update", type="http", auth="user", website=True, methods=["POST"])
    def portal_my_stp_communication_update(self, decision=None, consent_id=None, channel=None, purpose=None, **kw):
        """Give or withdraw one consent (Odoo checks the form's CSRF token): an existing one
        by ``consent_id`` (the person's own only), else the one of ``channel`` and ``purpose``."""
        if decision not in DECISIONS:
            raise BadRequest()
        partner = request.env.user.partner_id
        Consent = request.env["stp.crm.consent"].sudo()
        if consent_id:
            consent = Consent.browse(int(consent_id) if str(consent_id).isdigit() else 0).exists()
            if not consent or consent.partner_id != partner or consent.company_id != request.env.company:
                raise Forbidden()
        else:
            if channel not in dict(Consent._fields["channel"].selection) or purpose not in dict(
                Consent._fields["purpose"].selection
            ):
                raise BadRequest()
            consent = self._stp_consents().filtered(
                lambda consent: (consent.channel, consent.purpose) == (channel, purpose)
            )
        evidence = request.env._(
            "%(decision)s in the customer portal by %(user)s (%(login)s) on %(date)s UTC from %(address)s.",
            decision=request.env._("Given") if decision == "give" else request.env._("Withdrawn"),
            user=request.env.user.name,
            login=request.env.user.login,
            date=fields.Datetime.to_string(fields.Datetime.now()),
            address=request.httprequest.remote_addr,
        )
        values = {"source": "portal", "evidence": evidence}
        if consent:
            consent.write(values)
        else:
            consent = Consent.create(
                dict(
                    values,
                    partner_id=partner.id,
                    channel=channel,
                    purpose=purpose,
                    company_id=request.env.company.id,
                )
            )
        if decision == "give":
            consent.action_give()
        else:
            consent.action_withdraw()
        return request.redirect("/my/communication?updated=1")
