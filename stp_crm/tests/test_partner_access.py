from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import StpCrmAccountCommon

CRM_FIELDS_OF_USERS = ("stp_classification", "stp_tier", "stp_tier_locked", "stp_potential", "stp_business_status")


@tagged("post_install", "-at_install")
class TestPartnerFieldAccess(StpCrmAccountCommon):
    """Our assessment of a customer is for CRM users; its revenue also needs
    invoicing rights; tiers are set or locked by hand by managers only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_partner = cls.portal_user.partner_id
        cls.portal_partner.write(
            {
                "stp_classification": "customer",
                "stp_potential": "low",
                "stp_business_status": "Đang khó khăn về dòng tiền",
            }
        )

    def _stp_fields(self, user):
        return {name for name in self.env["res.partner"].with_user(user).fields_get() if name.startswith("stp_")}

    def test_portal_user_reads_none_of_the_crm_fields_of_their_partner(self):
        partner = self.portal_partner.with_user(self.portal_user)
        [values] = partner.read(["name", "email"])
        self.assertEqual(values["name"], self.portal_partner.name, "the portal user reads their own partner")
        self.assertFalse(self._stp_fields(self.portal_user))
        for name in self._stp_fields(self.env.user):
            with self.assertRaises(AccessError, msg=name):
                partner.read([name])
        with self.assertRaises(AccessError):
            partner.search([("stp_classification", "=", "customer")])

    def test_employee_without_the_crm_group_sees_no_crm_field(self):
        self.assertFalse(self._stp_fields(self.plain_employee))
        with self.assertRaises(AccessError):
            self.customer.with_user(self.plain_employee).read(["stp_tier"])

    def test_crm_user_reads_the_profile_but_the_revenue_needs_invoicing_rights(self):
        crm_only_fields = self._stp_fields(self.crm_only)
        self.assertLessEqual(set(CRM_FIELDS_OF_USERS), crm_only_fields)
        self.assertNotIn("stp_tier_revenue", crm_only_fields)
        [values] = self.customer.with_user(self.crm_only).read(["stp_classification", "stp_tier"])
        self.assertEqual((values["stp_classification"], values["stp_tier"]), ("customer", "c"))
        with self.assertRaises(AccessError):
            self.customer.with_user(self.crm_only).read(["stp_tier_revenue"])
        self._invoice(self.customer, 2_500.0)
        [values] = self.customer.with_user(self.stp_user).read(["stp_tier_revenue", "stp_tier"])
        self.assertEqual((values["stp_tier_revenue"], values["stp_tier"]), (2_500.0, "b"))

    def test_partner_views_work_without_the_crm_group(self):
        """The views follow the fields: every field a view shows can be read."""
        for user in (self.plain_employee, self.crm_only, self.sales_own, self.stp_user):
            partners = self.env["res.partner"].with_user(user)
            views = partners.get_views([(False, "kanban"), (False, "list"), (False, "form"), (False, "search")])
            shown = set(views["models"]["res.partner"]["fields"])
            self.assertEqual(
                {name for name in shown if name.startswith("stp_")} - self._stp_fields(user),
                set(),
                f"{user.login} is shown only the STP CRM fields they may read",
            )
            # what the list and the kanban read (the form also reads other apps' fields)
            listed = views["views"]["list"]["arch"] + views["views"]["kanban"]["arch"]
            specification = {name: {} for name in shown if f'name="{name}"' in listed}
            records = partners.web_search_read([("id", "=", self.customer.id)], specification)
            self.assertEqual(records["length"], 1)
            if user == self.plain_employee:
                self.assertNotIn("stp_crm", views["views"]["form"]["arch"], "no STP CRM page")
            else:
                self.assertIn('name="stp_crm"', views["views"]["form"]["arch"])
        self.assertNotIn(
            "stp_tier_revenue",
            self.env["res.partner"].with_user(self.crm_only).get_views([(False, "form")])["views"]["form"]["arch"],
        )

    def test_users_without_the_crm_group_still_invoice_and_manage_contacts(self):
        """Tier upkeep runs whoever posts an invoice or moves a contact."""
        accountant = new_test_user(
            self.env,
            login="accountant_no_crm",
            groups="account.group_account_invoice,base.group_partner_manager",
            company_id=self.company.id,
        )
        invoice = self.init_invoice(
            "out_invoice", partner=self.customer, invoice_date=self._today(), amounts=[2_500.0], taxes=[]
        )
        invoice.with_user(accountant).action_post()
        self.assertEqual(self.customer.stp_tier, "b")
        partners = self.env["res.partner"].with_user(accountant)
        contact = partners.create({"name": "Liên hệ mới", "parent_id": self.customer.id})
        self.assertEqual(contact.stp_tier, "b", "the contact takes its company's tier")
        loose = partners.create({"name": "Người lẻ"})
        loose.write({"parent_id": self.customer.id})
        self.assertEqual(loose.stp_tier, "b")
        self.assertNotIn("stp_tier", partners.fields_get())

    def test_only_managers_set_or_lock_a_tier(self):
        partner = self.customer.with_user(self.stp_user)
        for values in ({"stp_tier_locked": True}, {"stp_tier": "a"}, {"stp_tier_locked": True, "stp_tier": "a"}):
            with self.assertRaises(AccessError, msg=values):
                partner.write(values)
        with self.assertRaises(AccessError):
            partner.create({"name": "Khóa hạng khi tạo", "stp_tier_locked": True, "stp_tier": "a"})
        with self.assertRaises(AccessError, msg="a context key sent over RPC does not pass for the recompute"):
            partner.with_context(stp_tier_recompute=True).write({"stp_tier": "a"})
        self.assertRecordValues(self.customer, [{"stp_tier_locked": False, "stp_tier": "c"}])
        partner.write({"stp_classification": "partner", "stp_potential": "high"})  # the rest of the profile is open

        self.customer.with_user(self.stp_manager).write({"stp_tier_locked": True, "stp_tier": "a"})
        self.assertRecordValues(self.customer, [{"stp_tier_locked": True, "stp_tier": "a"}])
        self.assertEqual(self.customer_contact.stp_tier, "a", "contacts follow the locked tier")
        self.customer.with_user(self.stp_manager).write({"stp_tier_locked": False})
        self.assertEqual(self.customer.stp_tier, "c", "unlocked: computed again")
