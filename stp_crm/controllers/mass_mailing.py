from odoo.http import request, route

from odoo.addons.mass_mailing.controllers.main import MassMailController
from odoo.addons.mass_mailing_sms.controllers.main import MailingSMSController


class StpCrmMassMailController(MassMailController):
    def _mailing_unsubscribe_from_document(self, mailing, document_id, email, hash_token):
        """Odoo's unsubscribe page blocklists the address (a global opt-out); for a care
        campaign's mailing it also withdraws the advertising consent by e-mail and confirms it."""
        response = super()._mailing_unsubscribe_from_document(mailing, document_id, email, hash_token)
        mailing.sudo()._stp_opt_out("email", email)
        return response


class StpCrmMailingSMSController(MailingSMSController):
    @route()
    def blacklist_number(self, mailing_id, trace_code, **post):
        """The SMS opt-out link blocklists the number; for a care campaign's mailing it also
        withdraws the advertising consent by SMS and confirms it."""
        response = super().blacklist_number(mailing_id, trace_code, **post)
        trace = self._check_trace(mailing_id, trace_code).get("trace")
        number = trace[:1].sms_number if trace else False
        if number and request.env["phone.blacklist"].sudo().search_count([("number", "=", number)]):
            trace[:1].mass_mailing_id.sudo()._stp_opt_out("sms", number)
        return response
