from . import stp_crm_timeline
from . import stp_crm_forecast_report
from . import stp_crm_forecast_accuracy
from . import stp_crm_roi_report
from . import stp_crm_customer_profile
from . import stp_crm_customer_analysis
from . import stp_crm_timeline_campaign
