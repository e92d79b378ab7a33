from . import stp_crm_timeline
