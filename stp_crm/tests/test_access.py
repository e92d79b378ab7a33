from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged, users

from .common import StpCrmUsersMixin


@tagged("post_install", "-at_install")
class TestAccess(TransactionCase, StpCrmUsersMixin):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stp_users()
        cls.customer = cls.env["res.partner"].create({"name": "Công ty Quyền Truy Cập", "is_company": True})
        cls.product = cls.env["product.product"].create({"name": "Bơm công nghiệp", "type": "consu"})
        cls.installed = cls.env["stp.crm.installed.product"].create(
            {"partner_id": cls.customer.id, "product_id": cls.product.id}
        )
        cls.other_company = cls.env["res.company"].create({"name": "Công ty Khác"})
        cls.foreign_installed = cls.env["stp.crm.installed.product"].create(
            {"partner_id": cls.customer.id, "product_id": cls.product.id, "company_id": cls.other_company.id}
        )

    @users("stp_user")
    def test_user_works_on_installed_products_but_cannot_delete(self):
        installed = self.env["stp.crm.installed.product"].create(
            {"partner_id": self.customer.id, "product_id": self.product.id, "location": "Kho A"}
        )
        installed.state = "faulty"
        self.assertEqual(installed.state, "faulty")
        with self.assertRaises(AccessError):
            installed.unlink()

    @users("stp_manager")
    def test_manager_deletes_installed_products(self):
        self.installed.with_env(self.env).unlink()
        self.assertFalse(self.installed.exists())

    @users("plain_employee")
    def test_employee_without_group_has_no_access(self):
        with self.assertRaises(AccessError):
            self.env["stp.crm.installed.product"].search([])
        # They still read the partner, but not our assessment of it (CRM users only).
        customer = self.customer.with_env(self.env)
        self.assertEqual(customer.name, "Công ty Quyền Truy Cập")
        with self.assertRaises(AccessError):
            customer.read(["stp_classification"])

    @users("stp_user", "stp_manager")
    def test_other_company_records_stay_invisible(self):
        visible = self.env["stp.crm.installed.product"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(visible, self.installed)
        with self.assertRaises(AccessError):
            self.foreign_installed.with_env(self.env).read(["state"])

    @users("stp_user")
    def test_user_writes_profile_fields(self):
        customer = self.customer.with_env(self.env)
        customer.write({"stp_classification": "customer", "stp_potential": "high", "stp_prospect_quality": "good"})
        self.assertEqual(customer.stp_potential, "high")


@tagged("post_install", "-at_install")
class TestAccessRightsOfOutsiders(TransactionCase):
    # Portal users read their company's tickets and the stages shown on them (the portal's "My tickets").
    INTENDED = {
        ("stp.crm.ticket", "base.group_portal", "read"),
        ("stp.crm.ticket.stage", "base.group_portal", "read"),
    }

    def test_portal_and_public_users_get_only_the_intended_rights(self):
        """No access right on an STP CRM model, whoever declares it, reaches portal or public
        users (nor everyone, without a group) beyond the tickets of the portal."""
        outsiders = {False: "everyone"} | {
            self.env.ref(xmlid).id: xmlid for xmlid in ("base.group_portal", "base.group_public")
        }
        rights = self.env["ir.model.access"].search(
            [("model_id.model", "=like", "stp.%"), ("group_id", "in", list(outsiders))]
        )
        granted = {
            (right.model_id.model, outsiders[right.group_id.id], operation)
            for right in rights
            for operation in ("read", "write", "create", "unlink")
            if right[f"perm_{operation}"]
        }
        self.assertEqual(granted, self.INTENDED)
