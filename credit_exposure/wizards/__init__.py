from . import credit_block_wizard
from . import credit_cutoff_wizard
from . import credit_release_wizard
from . import sale_advance_payment_inv
from . import account_invoice_refund
