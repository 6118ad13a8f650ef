from . import test_exposure
from . import test_blocking
