from . import credit_block_wizard
from . import credit_release_wizard
from . import sale_advance_payment_inv
