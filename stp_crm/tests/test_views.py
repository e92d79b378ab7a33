import re

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import fields
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools.safe_eval import datetime as safe_datetime
from odoo.tools.safe_eval import safe_eval, time

# `record.<field>.` in a kanban template: only fields the view declares are loaded.
RECORD_FIELD = re.compile(r"\brecord\.(\w+)\b")


@tagged("post_install", "-at_install")
class TestViews(TransactionCase):
    """What the clickbot cannot reach: kanban branches no demo record takes, and
    the group-bys it never clicks."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.crm_only = new_test_user(
            cls.env, login="views_crm_only", groups="stp_crm.group_stp_crm_user", company_id=cls.env.company.id
        )

    def _stp_views(self, view_type):
        view_ids = (
            self.env["ir.model.data"]
            .search([("module", "=", "stp_crm"), ("model", "=", "ir.ui.view")])
            .mapped("res_id")
        )
        return self.env["ir.ui.view"].browse(view_ids).filtered(lambda v: v.type == view_type and v.mode == "primary")

    def _stp_window_actions(self):
        """The window actions of every menu under a root menu stp_crm declares."""
        menu_ids = (
            self.env["ir.model.data"]
            .search([("module", "=", "stp_crm"), ("model", "=", "ir.ui.menu")])
            .mapped("res_id")
        )
        roots = self.env["ir.ui.menu"].browse(menu_ids).filtered(lambda menu: not menu.parent_id)
        menus = self.env["ir.ui.menu"].search([("id", "child_of", roots.ids)])
        return menus.mapped("action").filtered(lambda action: action._name == "ir.actions.act_window")

    def test_kanban_templates_read_declared_fields(self):
        for view in self._stp_views("kanban"):
            arch = etree.fromstring(self.env[view.model].get_view(view.id, "kanban")["arch"])
            declared = set(arch.xpath("//field/@name"))
            used = {name for value in arch.xpath("//@*") for name in RECORD_FIELD.findall(value)}
            with self.subTest(view=view.xml_id):
                self.assertFalse(used - declared, "kanban template reads fields the view does not declare")

    def _eval_context(self, user):
        today = fields.Date.context_today(self.env["res.users"].with_user(user))
        return {
            "uid": user.id,
            "context_today": lambda: today,
            "current_date": today.strftime("%Y-%m-%d"),
            "relativedelta": relativedelta,
            "datetime": safe_datetime,
            "time": time,
        }

    def _search_filters(self, action, user):
        """(label, domain, group-by) of every filter of the action's search view;
        a date filter is its first option, the current month, as the clickbot clicks it."""
        model = self.env[action.res_model]
        arch = etree.fromstring(model.get_view(action.search_view_id.id, "search")["arch"])
        month_start = fields.Date.context_today(model).replace(day=1)
        for node in arch.iter("filter"):
            label = node.get("string") or node.get("name")
            if node.get("date"):
                domain = [
                    (node.get("date"), ">=", month_start),
                    (node.get("date"), "<", month_start + relativedelta(months=1)),
                ]
                yield label, domain, None
            elif node.get("domain"):
                yield label, safe_eval(node.get("domain"), self._eval_context(user)), None
            elif node.get("context"):
                group_by = safe_eval(node.get("context"), self._eval_context(user)).get("group_by")
                if group_by:
                    yield label, [], group_by if isinstance(group_by, list) else [group_by]

    def test_every_filter_and_group_by(self):
        """Every filter and group-by of every STP CRM screen, on results and on no result."""
        for user in (self.env.ref("base.user_admin"), self.crm_only):
            for action in self._stp_window_actions():
                model = self.env[action.res_model].with_user(user)
                if not model.has_access("read"):
                    continue
                action_domain = safe_eval(action.domain or "[]", self._eval_context(user))
                for label, domain, group_by in self._search_filters(action, user):
                    for extra in ([], [("id", "=", 0)]):
                        full_domain = action_domain + domain + extra
                        with self.subTest(user=user.login, action=action.xml_id, filter=label, empty=bool(extra)):
                            if group_by:
                                model.web_read_group(full_domain, ["__count"], group_by)
                            else:
                                model.web_search_read(full_domain, {"display_name": {}}, limit=80)
