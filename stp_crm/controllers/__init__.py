from . import portal
from . import zalo
