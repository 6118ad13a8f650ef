"""Confirm orders concurrently over JSON-RPC against a multi-process Odoo server."""

import itertools
import json
import logging
import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request

import odoo
from odoo import SUPERUSER_ID

import dataset
import variants
from measure import percentile
from variants import VARIANTS

_logger = logging.getLogger("credit_exposure.bench")

REQUEST_TIMEOUT = 120.0
STARTUP_TIMEOUT = 180.0


class RpcError(Exception):
    pass


class Client(object):
    """Minimal JSON-RPC client of Odoo's /jsonrpc endpoint."""

    _ids = itertools.count(1)

    def __init__(self, url, database):
        self.url = url
        self.database = database
        self.uid = None
        self.password = None

    def call(self, service, method, *args):
        payload = json.dumps(
            {
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"service": service, "method": method, "args": args},
                "id": next(self._ids),
            }
        ).encode()
        request = urllib.request.Request(
            self.url, data=payload, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
            answer = json.loads(response.read().decode())
        if answer.get("error"):
            error = answer["error"]
            message = error.get("data", {}).get("message") or error.get("message")
            raise RpcError(message)
        return answer["result"]

    def login(self, login, password):
        self.uid = self.call("common", "login", self.database, login, password)
        if not self.uid:
            raise RpcError("login %s rejected by %s" % (login, self.database))
        self.password = password

    def execute_kw(self, model, method, args, kwargs=None):
        return self.call(
            "object", "execute_kw", self.database, self.uid, self.password,
            model, method, args, kwargs or {},
        )  # fmt: skip


class Server(object):
    """An Odoo server in multi-process mode on 127.0.0.1, started and stopped here."""

    def __init__(self, command, database, port, log_path):
        self.command = command + [
            "-d", database, "--db-filter=^%s$" % database, "--workers=2",
            "--max-cron-threads=0", "--http-interface=127.0.0.1",
            "--http-port=%d" % port, "--longpolling-port=%d" % (port + 1),
            "--log-level=warn", "--logfile=%s" % log_path,
            "--limit-time-real=600", "--limit-time-cpu=300",
        ]  # fmt: skip
        self.url = "http://127.0.0.1:%d/jsonrpc" % port
        self.database = database
        self.log_path = log_path
        self.process = None

    def start(self):
        if os.path.exists(self.log_path):
            os.remove(self.log_path)
        self.process = subprocess.Popen(
            self.command, stdin=subprocess.DEVNULL, start_new_session=True
        )
        deadline = time.time() + STARTUP_TIMEOUT
        client = Client(self.url, self.database)
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    "the Odoo server exited with %s" % self.process.returncode
                )
            try:
                client.call("common", "version")
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(
            "the Odoo server did not respond within %d s" % STARTUP_TIMEOUT
        )

    def stop(self):
        """Stop the server and its workers (its own process group)."""
        if not self.process or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)


def confirm_all(server, login, password, order_lists, seconds):
    """Confirm each client's orders in its own thread, all clients at once.

    order_lists contains one list of quotation ids per client. A client stops
    issuing requests after `seconds`. Returns the wall time, the latency of
    each request and the outcome per order: "confirmed", "refused" (the
    server returned a dialog instead of confirming) or "error: <message>".
    """
    clients = []
    for _ in order_lists:
        client = Client(server.url, server.database)
        client.login(login, password)
        clients.append(client)
    outcomes = {}
    latencies = []
    lock = threading.Lock()
    start_gate = threading.Barrier(len(clients) + 1)
    deadline = [None]

    def work(client, order_ids):
        start_gate.wait()
        for order_id in order_ids:
            if time.time() > deadline[0]:
                break
            started = time.perf_counter()
            try:
                result = client.execute_kw("sale.order", "action_confirm", [[order_id]])
                outcome = "confirmed" if result is True else "refused"
            except (RpcError, urllib.error.URLError, OSError) as error:
                outcome = "error: %s" % str(error).strip().splitlines()[-1][:200]
            elapsed = time.perf_counter() - started
            with lock:
                outcomes[order_id] = outcome
                latencies.append(elapsed)

    threads = [
        threading.Thread(target=work, args=(client, order_ids))
        for client, order_ids in zip(clients, order_lists)
    ]
    for thread in threads:
        thread.start()
    deadline[0] = time.time() + seconds
    started = time.perf_counter()
    start_gate.wait()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return wall, latencies, outcomes


def summarize_phase(wall, latencies, outcomes, attempted):
    counts = {}
    for outcome in outcomes.values():
        key = outcome if not outcome.startswith("error") else "error"
        counts[key] = counts.get(key, 0) + 1
    errors = sorted({o for o in outcomes.values() if o.startswith("error")})
    return {
        "attempted": attempted,
        "sent": len(outcomes),
        "confirmed": counts.get("confirmed", 0),
        "refused": counts.get("refused", 0),
        "errors": counts.get("error", 0),
        "error_messages": errors[:5],
        "wall_s": wall,
        "confirmations_per_s": counts.get("confirmed", 0) / wall if wall else 0.0,
        "requests_per_s": len(outcomes) / wall if wall else 0.0,
        "latency_median_ms": (sorted(latencies)[len(latencies) // 2] * 1000.0)
        if latencies
        else None,
        "latency_p95_ms": percentile(latencies, 0.95) * 1000.0 if latencies else None,
    }


# Orders that the ceiling of a tight customer admits.
TIGHT_ORDERS = 10
# Load-test phases: (name, product of the orders, customers).
PHASES = (
    ("throughput", "goods", "own and shared"),
    ("ceiling, service", "service", "tight"),
    ("ceiling, stocked goods", "goods", "tight"),
)
SERIALIZATION_ERROR = "could not serialize access"


def prepare_load(target, clients, orders):
    """Create the load-test customers and quotations in a run database.

    Phase "throughput": each client confirms orders of stocked goods
    alternately for a customer of its own and for one shared by all, both
    with a high ceiling. Each "ceiling" phase: all clients confirm orders of
    one product (a service invoiced on order, or stocked goods invoiced on
    delivery) for two shared customers whose ceiling admits TIGHT_ORDERS
    orders each.
    """
    with target.registry.cursor() as cr:
        env = odoo.api.Environment(cr, SUPERUSER_ID, {})
        fixtures = variants.Fixtures(env, [])
        variant = target.variant
        high = variants.HIGH_CEILING
        products = {
            "goods": fixtures.builder.goods,
            "service": fixtures.builder.service,
        }
        shared = fixtures.create_customer(
            "bench-load-shared", "Bench load shared", variant, high
        )
        own = [
            fixtures.create_customer(
                "bench-load-own-%d" % i, "Bench load own %d" % i, variant, high
            )
            for i in range(clients)
        ]
        plan = {"warmup": [fixtures.draft_order(own[i % clients]) for i in range(4)]}
        for position, (phase, product_key, customers) in enumerate(PHASES):
            product = products[product_key]
            if customers != "tight":
                plan[phase] = {
                    "orders": [
                        [
                            fixtures.draft_order(
                                shared if n % 2 else own[i], product=product
                            )
                            for n in range(orders)
                        ]
                        for i in range(clients)
                    ]
                }
                continue
            probe = env["sale.order"].browse(
                fixtures.draft_order(shared, product=product)
            )
            amount = probe.amount_total
            probe.unlink()
            ceiling = amount * (TIGHT_ORDERS + 0.5)
            tight = [
                fixtures.create_customer(
                    "bench-load-tight-%d-%s" % (position, letter),
                    "Bench load tight %s %s" % (product_key, letter),
                    variant,
                    ceiling,
                )
                for letter in "ab"
            ]
            plan[phase] = {
                "orders": [
                    [
                        fixtures.draft_order(tight[n % 2], product=product)
                        for n in range(orders)
                    ]
                    for _ in range(clients)
                ],
                "tight": tight,
                "ceiling": ceiling,
                "order_amount": amount,
            }
        fixtures.commit()
    return plan


def check_ceilings(target, phase_plan):
    """Return, per tight customer, its confirmed total against its ceiling.

    For credit_exposure, blocked orders do not count: they are neither
    delivered nor invoiced until a credit controller releases them.
    """
    cr = target.registry.cursor()
    try:
        env = odoo.api.Environment(cr, SUPERUSER_ID, {})
        rows = []
        for partner_id in phase_plan["tight"]:
            domain = [
                ("partner_id", "=", partner_id),
                ("state", "in", ("sale", "done")),
            ]
            if target.variant == "credit":
                domain.append(("credit_blocked", "=", False))
            orders = env["sale.order"].search(domain)
            total = sum(orders.mapped("amount_total"))
            rows.append(
                {
                    "customer": env["res.partner"].browse(partner_id).name,
                    "confirmed_orders": len(orders),
                    "confirmed_total": total,
                    "ceiling": phase_plan["ceiling"],
                    "within": total <= phase_plan["ceiling"] + 0.005,
                }
            )
        return rows
    finally:
        cr.rollback()
        cr.close()


def count_in_file(path, needle):
    if not os.path.exists(path):
        return 0
    with open(path, errors="replace") as handle:
        return sum(line.count(needle) for line in handle)


def run_load(dbs, targets, args):
    """Run every phase against one multi-process server per variant, in turn."""
    results = {}
    for variant in [v for v in VARIANTS if v in targets]:
        target = targets[variant]
        plan = prepare_load(target, args.clients, args.load_orders)
        dbs.release(target.name)
        log_path = os.path.join(dbs.log_dir, "server-%s.log" % variant)
        server = Server(dbs.server_command(), target.name, args.port, log_path)
        _logger.info("load test of %s on port %d", variant, args.port)
        server.start()
        phases = {}
        try:
            confirm_all(
                server,
                dataset.SALES_LOGIN,
                dataset.SALES_PASSWORD,
                [plan["warmup"][i::2] for i in range(2)],
                args.load_seconds,
            )
            for phase, _, _ in PHASES:
                order_lists = plan[phase]["orders"]
                retries_before = count_in_file(log_path, SERIALIZATION_ERROR)
                wall, latencies, outcomes = confirm_all(
                    server,
                    dataset.SALES_LOGIN,
                    dataset.SALES_PASSWORD,
                    order_lists,
                    args.load_seconds,
                )
                attempted = sum(len(orders) for orders in order_lists)
                phases[phase] = summarize_phase(wall, latencies, outcomes, attempted)
                phases[phase]["serialization_retries"] = (
                    count_in_file(log_path, SERIALIZATION_ERROR) - retries_before
                )
        finally:
            server.stop()
        target.registry = odoo.registry(target.name)
        for phase, _, customers in PHASES:
            if customers == "tight":
                phases[phase]["customers"] = check_ceilings(target, plan[phase])
                phases[phase]["order_amount"] = plan[phase]["order_amount"]
        results[variant] = phases
    return results
