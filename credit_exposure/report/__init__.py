# Import order is view creation order: each view reads the ones before it, and
# recreating a view drops the views that read it.
from . import credit_exposure_analysis
from . import credit_customer_exposure
from . import credit_blocked_order
from . import credit_payment_delay
from . import credit_key_figure
