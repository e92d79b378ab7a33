import inspect

from odoo.tests import BaseCase, TransactionCase, tagged

from odoo.addons.stp_crm import tests as stp_crm_tests


@tagged("post_install", "-at_install")
class TestSuiteConventions(TransactionCase):
    def test_every_test_class_is_tagged_post_install(self):
        """Each test class says itself that it runs after installation, so Odoo's
        runner and pytest-odoo run the suite the same way."""
        untagged = [
            f"{module.__name__}.{cls.__name__}"
            for module in vars(stp_crm_tests).values()
            if inspect.ismodule(module)
            for cls in vars(module).values()
            if inspect.isclass(cls) and issubclass(cls, BaseCase) and cls.__module__ == module.__name__
            if "test_tags" not in vars(cls) or not {"post_install"} <= cls.test_tags or "at_install" in cls.test_tags
        ]
        self.assertEqual(untagged, [])
