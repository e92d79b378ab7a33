from . import stp_crm_timeline
from . import stp_crm_customer_analysis
