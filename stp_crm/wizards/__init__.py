from . import stp_crm_forecast_asof
from . import stp_crm_ticket_merge
from . import stp_crm_ticket_split
from . import privacy_lookup_wizard
from . import stp_crm_zalo_composer
