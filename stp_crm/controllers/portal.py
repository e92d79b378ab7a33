from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

TICKETS_PER_PAGE = 20


class StpCrmTicketPortal(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "stp_ticket_count" in counters:
            tickets = request.env["stp.crm.ticket"]
            values["stp_ticket_count"] = tickets.search_count([]) if tickets.has_access("read") else 0
        return values

    @http.route(["/my/tickets", "/my/tickets/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_stp_tickets(self, page=1, sortby=None, **kw):
        # Record rules decide which tickets the user sees (own company's for portal users).
        tickets = request.env["stp.crm.ticket"]
        if not tickets.has_access("read"):
            return request.redirect("/my")
        sortings = {
            "date": {"label": request.env._("Newest"), "order": "create_date desc, id desc"},
            "number": {"label": request.env._("Number"), "order": "number desc"},
            "stage": {"label": request.env._("Stage"), "order": "stage_id, id desc"},
        }
        sortby = sortby if sortby in sortings else "date"
        count = tickets.search_count([])
        pager = portal_pager(
            url="/my/tickets", url_args={"sortby": sortby}, total=count, page=page, step=TICKETS_PER_PAGE
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "tickets": tickets.search(
                    [], order=sortings[sortby]["order"], limit=TICKETS_PER_PAGE, offset=pager["offset"]
                ),
                "page_name": "stp_ticket",
                "default_url": "/my/tickets",
                "pager": pager,
                "searchbar_sortings": sortings,
                "sortby": sortby,
            }
        )
        request.session["my_stp_tickets_history"] = values["tickets"].ids[:100]
        return request.render("stp_crm.portal_my_stp_tickets", values)

    @http.route(["/my/tickets/<int:ticket_id>"], type="http", auth="public", website=True)
    def portal_my_stp_ticket(self, ticket_id, access_token=None, **kw):
        try:
            ticket_sudo = self._document_check_access("stp.crm.ticket", ticket_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._get_page_view_values(
            ticket_sudo,
            access_token,
            {"page_name": "stp_ticket", "ticket": ticket_sudo},
            "my_stp_tickets_history",
            False,
            **kw,
        )
        return request.render("stp_crm.portal_my_stp_ticket", values)
