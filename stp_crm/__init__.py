from . import cli
from . import controllers
from . import models
from . import populate
from . import reports
from . import wizards
from . import tools
