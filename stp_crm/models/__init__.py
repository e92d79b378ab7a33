from . import stp_crm_input_mixin
from . import res_company
from . import res_config_settings
from . import res_partner
from . import account_move
from . import stp_crm_installed_product
from . import stock_picking
