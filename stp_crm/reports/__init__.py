from . import stp_crm_timeline
from . import stp_crm_forecast_report
from . import stp_crm_forecast_accuracy
