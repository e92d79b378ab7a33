from odoo.tests import HttpCase, new_test_user, tagged

CLICKBOT = "odoo.loader.modules.get('@web/webclient/clickbot/clickbot_loader').startClickEverywhere('%s');"
PHONE_CLICKBOT_MODULE = "@stp_crm/../tests/clickbot_phone"


def stp_root_menus(env):
    """The root menus stp_crm declares: a later feature's app is walked too."""
    menu_ids = env["ir.model.data"].search([("module", "=", "stp_crm"), ("model", "=", "ir.ui.menu")]).mapped("res_id")
    return env["ir.ui.menu"].browse(menu_ids).filtered(lambda menu: not menu.parent_id)


@tagged("post_install", "-at_install")
class StpCrmClickbotCase(HttpCase):
    """Odoo's own clickbot (what the ``click_all`` tests run on every app) on every
    root menu STP CRM owns: it opens each menu, switches to each view and clicks
    each filter, and fails on the first error dialog."""

    # The clickbot may end on a form (a menu opening a settings form, ...).
    allow_end_on_form = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The fewest rights: the STP CRM user group and nothing else.
        cls.crm_only = new_test_user(
            cls.env,
            login="clickbot_crm_only",
            name="Ngô Chỉ CRM",
            groups="stp_crm.group_stp_crm_user",
            company_id=cls.env.company.id,
            tour_enabled=False,
        )
        cls.admin = cls.env.ref("base.user_admin")
        cls.admin.tour_enabled = False

    def _clickbot_code(self, xmlid):
        return CLICKBOT % xmlid

    def _click_everywhere(self, user, ready="odoo.isReady === true"):
        visible = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
        roots = stp_root_menus(self.env).filtered(lambda menu: menu.id in visible)
        self.assertTrue(roots, "the user sees no STP CRM app")
        for xmlid in roots.get_external_id().values():
            with self.subTest(app=xmlid):
                self.browser_js(
                    "/odoo",
                    self._clickbot_code(xmlid),
                    ready,
                    login=user.login,
                    timeout=1200,
                    success_signal="clickbot test succeeded",
                )


@tagged("post_install", "-at_install")
class TestClickbot(StpCrmClickbotCase):
    def test_clickbot_admin(self):
        self._click_everywhere(self.admin)

    def test_clickbot_crm_only(self):
        self._click_everywhere(self.crm_only)


@tagged("post_install", "-at_install")
class TestClickbotPhone(StpCrmClickbotCase):
    """The same walk at phone size, in the web client's mobile layout (kanban
    first, burger menu, collapsed search bar), as the Odoo mobile app shows it.
    Odoo's clickbot only knows the desktop navbar, so static/tests/clickbot_phone.js
    walks the menus, views, filters and group-bys through the phone layout."""

    browser_size = "375x667"
    touch_enabled = True

    def _clickbot_code(self, xmlid):
        return f"odoo.loader.modules.get('{PHONE_CLICKBOT_MODULE}').clickEverywherePhone('{xmlid}');"

    def test_clickbot_phone(self):
        self._click_everywhere(
            self.admin, ready=f"odoo.isReady === true && !!odoo.loader.modules.get('{PHONE_CLICKBOT_MODULE}')"
        )
