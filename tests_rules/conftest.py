"""Load credit_exposure/rules as the stand-alone package credit_rules.

Importing it as credit_exposure.rules would run credit_exposure/__init__.py,
which imports Odoo, so these tests load the rules folder on its own.
"""

import importlib.util
import os
import sys

PACKAGE_NAME = "credit_rules"
RULES_DIR = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    "credit_exposure",
    "rules",
)


def _load_rules_package():
    if PACKAGE_NAME in sys.modules:
        return sys.modules[PACKAGE_NAME]
    spec = importlib.util.spec_from_file_location(
        PACKAGE_NAME,
        os.path.join(RULES_DIR, "__init__.py"),
        submodule_search_locations=[RULES_DIR],
    )
    package = importlib.util.module_from_spec(spec)
    # Registered before it runs, so `from .ceiling import ...` finds its parent.
    sys.modules[PACKAGE_NAME] = package
    spec.loader.exec_module(package)
    return package


_load_rules_package()
