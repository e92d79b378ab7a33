from . import portal
from . import mass_mailing
