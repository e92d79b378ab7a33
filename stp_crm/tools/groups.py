"""The security groups STP CRM's Python code names, by xml id, in one place."""

STAFF = "base.group_user"
SYSTEM = "base.group_system"
PARTNER_MANAGER = "base.group_partner_manager"
CRM_USER = "stp_crm.group_stp_crm_user"
CRM_MANAGER = "stp_crm.group_stp_crm_manager"
# Creating and cancelling deliveries (the gifts of care campaigns).
STOCK_USER = "stock.group_stock_user"
# Receivables and revenue figures: who may read invoices.
INVOICING_READ = "account.group_account_invoice,account.group_account_readonly"
