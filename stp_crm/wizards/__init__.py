from . import stp_crm_forecast_asof
