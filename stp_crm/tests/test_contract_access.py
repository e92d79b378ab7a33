from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import freeze_test_clock
from .test_contract import StpCrmContractCommon


@tagged("post_install", "-at_install")
class TestContractAccess(StpCrmContractCommon):
    """Users see the contracts they are responsible for, carry out, or that belong
    to a department they manage; managers see all contracts of their companies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        crm_user_groups = "stp_crm.group_stp_crm_user,sales_team.group_sale_salesman"
        cls.head_a = new_test_user(cls.env, login="head_a", name="Trưởng phòng A", groups=crm_user_groups)
        cls.head_b = new_test_user(cls.env, login="head_b", name="Trưởng phòng B", groups=crm_user_groups)
        employees = cls.env["hr.employee"]
        head_a_employee = employees.create({"name": "Trưởng phòng A", "user_id": cls.head_a.id})
        head_b_employee = employees.create({"name": "Trưởng phòng B", "user_id": cls.head_b.id})
        cls.department_a = cls.env["hr.department"].create(
            {"name": "Phòng Kinh Doanh A", "manager_id": head_a_employee.id}
        )
        cls.department_b = cls.env["hr.department"].create(
            {"name": "Phòng Kinh Doanh B", "manager_id": head_b_employee.id}
        )
        cls.employee_1 = employees.create(
            {"name": "Trần Văn User", "user_id": cls.stp_user.id, "department_id": cls.department_a.id}
        )
        cls.employee_2 = employees.create(
            {"name": "Lê Thị User Hai", "user_id": cls.stp_user_2.id, "department_id": cls.department_b.id}
        )
        # Responsible stp_user, department A.
        cls.contract_1 = cls._contract(user_id=cls.stp_user.id, employee_id=cls.employee_1.id)
        # Responsible stp_user_2, department B.
        cls.contract_2 = cls._contract(user_id=cls.stp_user_2.id, employee_id=cls.employee_2.id)
        # Responsible head_a, carried out by stp_user_2 in department A (set by hand).
        cls.contract_3 = cls._contract(
            user_id=cls.head_a.id, employee_id=cls.employee_2.id, department_id=cls.department_a.id
        )

    def _visible(self, user):
        return self.env["stp.crm.contract"].with_user(user).search([])

    def test_department_defaults_to_employee(self):
        self.assertEqual(self.contract_1.department_id, self.department_a)
        self.assertEqual(self.contract_2.department_id, self.department_b)

    def test_users_see_their_own_and_what_they_carry_out(self):
        self.assertEqual(self._visible(self.stp_user), self.contract_1)
        self.assertEqual(self._visible(self.stp_user_2), self.contract_2 | self.contract_3)

    def test_department_heads_see_their_department(self):
        self.assertEqual(self._visible(self.head_a), self.contract_1 | self.contract_3)
        self.assertEqual(self._visible(self.head_b), self.contract_2)

    def test_manager_sees_all(self):
        self.assertEqual(self._visible(self.stp_manager), self.contract_1 | self.contract_2 | self.contract_3)

    def test_other_contracts_and_lines_unreadable(self):
        with self.assertRaises(AccessError):
            self.contract_2.with_user(self.stp_user).read(["name"])
        with self.assertRaises(AccessError):
            self.contract_2.line_ids.with_user(self.stp_user).read(["quantity"])
        with self.assertRaises(AccessError):
            self.contract_2.with_user(self.stp_user).write({"name": "Sửa trộm"})
        self.assertEqual(
            self.env["stp.crm.contract.line"].with_user(self.stp_user).search([]), self.contract_1.line_ids
        )

    def test_plain_employee_has_no_access(self):
        with self.assertRaises(AccessError):
            self.env["stp.crm.contract"].with_user(self.plain_employee).search([])

    def test_user_works_a_contract_end_to_end(self):
        freeze_test_clock(self, "2026-11-16 09:00:00")
        contracts = self.env["stp.crm.contract"].with_user(self.stp_user)
        contract = contracts.create(
            {
                "name": "Hợp đồng của tôi",
                "partner_id": self.customer.id,
                "employee_id": self.employee_1.id,
                "date_end": "2026-12-31",
                "line_ids": [Command.create({"product_id": self.compressor.id, "quantity": 3})],
            }
        )
        self.assertEqual(contract.user_id, self.stp_user)
        self.assertEqual(contract.department_id, self.department_a)
        contract.action_confirm()
        order = self.env["sale.order"].with_user(self.stp_user).browse(contract.action_create_quotation()["res_id"])
        self.assertEqual(order.order_line.product_uom_qty, 3)
        self.assertEqual(contract.order_count, 1)
        with self.assertRaises(AccessError):
            contract.unlink()
        draft = contract.copy()
        with self.assertRaises(AccessError):
            draft.unlink()  # CRM users delete no contract, not even a draft: managers do
        draft.with_user(self.stp_manager).unlink()
        self.assertFalse(draft.exists())

    def test_multi_company_isolation(self):
        other_company = self.setup_other_company(name="Công ty Khác")["company"]
        foreign = (
            self.env["stp.crm.contract"]
            .with_company(other_company)
            .create({"name": "HĐ công ty khác", "company_id": other_company.id})
        )
        self.assertNotIn(foreign, self._visible(self.stp_manager))
        with self.assertRaises(AccessError):
            foreign.with_user(self.stp_manager).read(["name"])

    def test_check_company_on_relations(self):
        other_company = self.setup_other_company(name="Công ty Khác")["company"]
        foreign_partner = self.env["res.partner"].create({"name": "Khách nơi khác", "company_id": other_company.id})
        with self.assertRaises(UserError):
            self._contract(partner=foreign_partner)
