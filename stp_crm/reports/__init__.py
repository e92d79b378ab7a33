from . import stp_crm_timeline
from . import stp_crm_timeline_campaign
