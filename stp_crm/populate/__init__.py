# Odoo's populate shape (sizes, dependencies, factories) for STP CRM; see tools.py.
from . import res_partner
from . import stp_crm_installed_product
from . import stp_crm_contract
from . import stp_crm_ticket
from . import stp_crm_work_plan
