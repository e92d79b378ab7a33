from . import portal
from . import consent_portal
from . import mass_mailing
from . import zalo
from . import sms_inbound
