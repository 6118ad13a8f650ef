#!/usr/bin/env python3
"""Start Odoo 11's command line for the load test's multi-process servers.

Odoo 11.0's prefork workers (`Worker.process_limit` in odoo/service/server.py)
pass their CPU time, a float, to `resource.setrlimit`, which Python 3.10 and
later reject with TypeError, so each worker exits before it serves a request.
This launcher rounds float limits up to whole seconds, which is what Python
3.7 did implicitly, and then runs Odoo as runtime/odoo-bin does.

NOTE: the same fix belongs in runtime/odoo_py311_compat.py, for every
`--workers` server; until then this launcher is the benchmark's own stopgap.
"""

import math
import resource

import odoo

_setrlimit = resource.setrlimit


def setrlimit(limit, values):
    soft, hard = values
    if isinstance(soft, float):
        soft = int(math.ceil(soft))
    if isinstance(hard, float):
        hard = int(math.ceil(hard))
    return _setrlimit(limit, (soft, hard))


resource.setrlimit = setrlimit

if __name__ == "__main__":
    odoo.cli.main()
