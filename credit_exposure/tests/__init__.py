from . import test_exposure
from . import test_blocking
from . import test_workspace_access
from . import test_workspace_analysis
from . import test_workspace_blocked
from . import test_workspace_history
from . import test_workspace_payment_delay
