import re

from lxml import etree

from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .test_clickbot import stp_root_menus

# `record.<field>.` in a kanban template: only fields the view declares are loaded.
RECORD_FIELD = re.compile(r"\brecord\.(\w+)\b")


@tagged("post_install", "-at_install")
class TestViews(TransactionCase):
    """What the clickbots cannot reach: kanban branches no demo record takes, and
    group-bys as the CRM-only user and on no result."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.crm_only = new_test_user(
            cls.env, login="views_crm_only", groups="stp_crm.group_stp_crm_user", company_id=cls.env.company.id
        )

    def _stp_views(self, view_type):
        """The views stp_crm declares or extends, each as the primary view it ends up in."""
        view_ids = (
            self.env["ir.model.data"]
            .search([("module", "=", "stp_crm"), ("model", "=", "ir.ui.view")])
            .mapped("res_id")
        )
        primaries = self.env["ir.ui.view"]
        for view in self.env["ir.ui.view"].browse(view_ids).filtered(lambda v: v.type == view_type):
            while view.mode != "primary":
                view = view.inherit_id
            primaries |= view
        return primaries

    def _stp_window_actions(self):
        """The window actions of every menu under a root menu stp_crm declares."""
        menus = self.env["ir.ui.menu"].search([("id", "child_of", stp_root_menus(self.env).ids)])
        actions = {menu.action for menu in menus if menu.action and menu.action._name == "ir.actions.act_window"}
        return sorted(actions, key=lambda action: action.id)

    def test_kanban_templates_read_declared_fields(self):
        for view in self._stp_views("kanban"):
            arch = etree.fromstring(self.env[view.model].get_view(view.id, "kanban")["arch"])
            declared = set(arch.xpath("//field/@name"))
            used = {name for value in arch.xpath("//@*") for name in RECORD_FIELD.findall(value)}
            with self.subTest(view=view.xml_id):
                self.assertFalse(used - declared, "kanban template reads fields the view does not declare")

    def _group_bys(self, action, user):
        """The group-bys of the action's search view as ``user`` gets it (its filters are clicked by
        the clickbots, whose domains only the web client evaluates; filters of other groups are left out)."""
        model = self.env[action.res_model].with_user(user)
        arch = etree.fromstring(model.get_view(action.search_view_id.id, "search")["arch"])
        for node in arch.iter("filter"):
            group_by = safe_eval(node.get("context") or "{}", {"uid": self.env.uid}).get("group_by")
            if group_by:
                yield node.get("string"), group_by if isinstance(group_by, list) else [group_by]

    def test_every_group_by(self):
        """Every group-by of every STP CRM screen, on results and on no result, as admin and CRM-only user."""
        actions = self._stp_window_actions()
        self.assertIn(self.env.ref("stp_crm.stp_crm_contract_action"), actions)
        for user in (self.env.ref("base.user_admin"), self.crm_only):
            for action in actions:
                model = self.env[action.res_model].with_user(user)
                if not model.has_access("read"):
                    continue
                domain = safe_eval(action.domain or "[]", {"uid": user.id})
                for label, group_by in self._group_bys(action, user):
                    for extra in ([], [("id", "=", 0)]):
                        with self.subTest(user=user.login, action=action.xml_id, group_by=label, empty=bool(extra)):
                            model.web_read_group(domain + extra, ["__count"], group_by)

    def test_timeline_cards_on_phones(self):
        """At phone size the web client opens an action on its mobile_view_mode: the timeline's cards."""
        action = self.env.ref("stp_crm.stp_crm_timeline_action")
        self.assertEqual(action.mobile_view_mode, "kanban")
        self.assertIn("kanban", action.view_mode.split(","))
        kanban = etree.fromstring(self.env["stp.crm.timeline"].get_view(view_type="kanban")["arch"])
        self.assertEqual(kanban.get("default_order"), "date desc, id desc")
        self.assertEqual(
            set(kanban.xpath("//templates//field/@name")),
            {"date", "event_type", "name", "partner_id", "amount", "user_id"},
        )
