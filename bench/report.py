"""Turn the benchmark's results into the results section of docs/BENCHMARKS.md."""

import datetime
import os
import statistics

from load import TIGHT_ORDERS
from variants import LABELS, VARIANTS

START_MARK = "<!-- bench:results:start -->"
END_MARK = "<!-- bench:results:end -->"

# Goals the results are judged against.
CONFIRM_OVERHEAD_MAX = 0.10
CHECK_GROWTH_MAX = 1.2
OCA_SPEEDUP_LARGEST_MIN = 10.0
RISK_LIST_MAX_MS = 1000.0


def jsonable(value):
    """Return value with tuple dictionary keys joined by "|", for json.dump."""
    if isinstance(value, dict):
        return {
            "|".join(map(str, key)) if isinstance(key, tuple) else str(key): jsonable(
                item
            )
            for key, item in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    return value


def ms(value):
    return "n/a" if value is None else "%.1f" % value


def timing(summary):
    """Format a summary as "median / p95 ms (CPU median), queries"."""
    if not summary:
        return "n/a"
    cpu = ""
    if "cpu_median_ms" in summary:
        cpu = " (CPU %s)" % ms(summary["cpu_median_ms"])
    return "%s / %s ms%s, %d q" % (
        ms(summary["median_ms"]),
        ms(summary["p95_ms"]),
        cpu,
        summary["queries"],
    )


def delta(summary, reference):
    if not summary or not reference:
        return ""
    added = summary["median_ms"] - reference["median_ms"]
    share = 100.0 * added / reference["median_ms"]
    return " (%+.1f ms, %+.0f %%, %+d q)" % (
        added,
        share,
        summary["queries"] - reference["queries"],
    )


def variants_of(results):
    return [v for v in VARIANTS if v in results["args"]["variants"]]


def section_machine(results):
    start = results["machine_start"]
    end = results.get("machine_end", start)
    lines = [
        "### Machine",
        "",
        "| | |",
        "| --- | --- |",
        "| CPU | %s |" % start["cpu"],
        "| `nproc` | %s |" % start["nproc"],
        "| Python | %s |" % start["python"],
        "| Odoo | %s |" % start["odoo"],
        "| PostgreSQL | %s |" % start["postgresql"].split(" on ")[0],
        "| load average (1, 5, 15 min) at start | %s |" % ", ".join(start["loadavg"]),
        "| load average at end | %s |" % ", ".join(end["loadavg"]),
        "",
        "`free -h` at start:",
        "",
        "```",
        start["free"],
        "```",
        "",
    ]
    return lines


def section_dataset(results):
    args = results["args"]
    lines = [
        "### Dataset",
        "",
        "| customer | open invoices | open order lines | open documents |",
        "| --- | ---: | ---: | ---: |",
    ]
    for size in args["sizes"]:
        invoices, order_lines = results["dataset"]["history"].get(str(size), [0, 0])
        lines.append(
            "| Bench history %d | %d | %d | %d |"
            % (size, invoices, order_lines, invoices + order_lines)
        )
    lines += [
        "",
        "Crowd: %d customers with an open opening balance each."
        % results["dataset"]["crowd"],
        "Each history customer's first %d invoices are posted through the ORM and "
        "the rest are SQL copies of them; order lines and opening balances all go "
        "through the ORM. Every measured database also holds, per history "
        "customer, the measured quotation and one confirmed, invoiced service "
        "order (draft invoice) for the write-cost measurement." % args["orm_invoices"],
        "",
        "Dataset build and database copies took %.0f s of this run, the "
        "measurements %.0f s."
        % (results["setup_s"], results["total_s"] - results["setup_s"]),
        "",
    ]
    return lines


def section_confirm(results):
    args = results["args"]
    names = variants_of(results)
    confirm = results["confirm"]
    lines = [
        "### 1. Confirmation of a one-line order",
        "",
        "`sale.order.action_confirm()` of a quotation of one stocked product "
        "(creates a delivery), as the salesperson, in a fresh cursor, rolled "
        "back. Median / 95th percentile of the wall time of %d repetitions "
        "(after %d unmeasured), the median CPU time of the Odoo process "
        "(PostgreSQL's excluded), and the median query count "
        "(`odoo.sql_db.sql_counter` delta). The databases take turns at each "
        "size. Added cost against vanilla in brackets."
        % (args["repeat"], args["warmup"]),
        "",
        "| open documents | " + " | ".join(LABELS[v] for v in names) + " |",
        "| ---: |" + " --- |" * len(names),
    ]
    for size in args["sizes"]:
        reference = confirm.get(("vanilla", size, "confirm"))
        cells = []
        for variant in names:
            summary = confirm.get((variant, size, "confirm"))
            cell = timing(summary)
            if variant != "vanilla":
                cell += delta(summary, reference)
            cells.append(cell)
        lines.append("| %s | %s |" % (results["documents"][size], " | ".join(cells)))
    lines.append("")
    return lines


def section_growth(results):
    args = results["args"]
    confirm = results["confirm"]
    sizes = args["sizes"]
    lines = [
        "### 2. Growth of the check with the customer's history",
        "",
        "The check alone, as the salesperson, in a fresh cursor: for "
        "credit_exposure `sale.order.%s()` (partner "
        "lock, the read of its exposure movements, the decision); for OCA the "
        "fields "
        "that its `action_confirm` reads before confirming (`risk_exception`, "
        "`risk_sale_order`, `risk_total` of the commercial partner). Median / "
        "95th percentile, queries, and the median against the smallest customer."
        % results.get("credit_check_method", "_credit_decisions"),
        "",
        "| open documents | credit_exposure | x smallest "
        "| OCA | x smallest | OCA / credit_exposure |",
        "| ---: | --- | ---: | --- | ---: | ---: |",
    ]
    first = sizes[0]
    for size in sizes:
        credit = confirm.get(("credit", size, "check"))
        oca = confirm.get(("oca", size, "check"))
        credit_first = confirm.get(("credit", first, "check"))
        oca_first = confirm.get(("oca", first, "check"))
        lines.append(
            "| %s | %s | %s | %s | %s | %s |"
            % (
                results["documents"][size],
                timing(credit),
                ratio(credit, credit_first),
                timing(oca),
                ratio(oca, oca_first),
                ratio(oca, credit),
            )
        )
    lines.append("")
    return lines


def ratio(summary, reference):
    if not summary or not reference or not reference["median_ms"]:
        return "n/a"
    return "%.2f" % (summary["median_ms"] / reference["median_ms"])


def section_lists(results):
    lines = [
        "### 3. Many customers",
        "",
        "As the administrator, in a fresh cursor; median of the repetitions shown.",
        "",
        "| variant | screen or call | rows | runs | median |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for (variant, label), summary in sorted(results["lists"].items()):
        lines.append(
            "| %s | %s | %s | %d | %s ms |"
            % (
                LABELS[variant],
                label,
                summary.get("rows", ""),
                summary["n"],
                ms(summary["median_ms"]),
            )
        )
    lines.append("")
    return lines


def section_writes(results):
    names = variants_of(results)
    writes = results["writes"]
    lines = [
        "### 4. Write cost",
        "",
        "As the administrator, rolled back: posting a draft invoice of a "
        "confirmed service order (`action_invoice_open`), then registering its "
        "full payment (`account.payment` create and `post`, which reconciles).",
        "",
        "| open documents | operation | " + " | ".join(LABELS[v] for v in names) + " |",
        "| ---: | --- |" + " --- |" * len(names),
    ]
    sizes = sorted({key[1] for key in writes})
    for size in sizes:
        for kind, label in (("post", "post invoice"), ("pay", "register payment")):
            reference = writes.get(("vanilla", size, kind))
            cells = []
            for variant in names:
                summary = writes.get((variant, size, kind))
                cell = timing(summary)
                if variant != "vanilla":
                    cell += delta(summary, reference)
                cells.append(cell)
            lines.append(
                "| %s | %s | %s |"
                % (results["documents"][size], label, " | ".join(cells))
            )
    lines.append("")
    return lines


def section_load(results):
    if "load" not in results:
        return ["### 5. Under load", "", "Not run (step `load` left out).", ""]
    args = results["args"]
    lines = [
        "### 5. Under load",
        "",
        "One Odoo server per variant (`--workers=2`, 127.0.0.1), %d client "
        "threads confirming orders at once over JSON-RPC (`/jsonrpc`, "
        "`object.execute_kw`) as the salesperson, %d orders per client and "
        "phase, stopping after %.0f s. Throughput: one-line orders of stocked "
        "goods, each client alternating between a customer of its own and one "
        "shared by all, ceilings high. Ceiling phases: all clients confirm "
        "one-line orders for two shared customers whose ceiling admits %d "
        "orders each, of a service invoiced on order, then of stocked goods "
        "invoiced on delivery (credit_exposure blocks, OCA returns its dialog, "
        "vanilla has no ceiling). Retries: serialization failures in the "
        "server log, after which Odoo runs the request again."
        % (args["clients"], args["load_orders"], args["load_seconds"], TIGHT_ORDERS),
        "",
        "| variant | phase | sent | confirmed | refused | errors | retries | wall "
        "| confirmations/s | latency median / p95 |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for variant in variants_of(results):
        for phase, summary in results["load"].get(variant, {}).items():
            lines.append(
                "| %s | %s | %d | %d | %d | %d | %s | %.1f s | %.2f | %s / %s ms |"
                % (
                    LABELS[variant],
                    phase,
                    summary["sent"],
                    summary["confirmed"],
                    summary["refused"],
                    summary["errors"],
                    summary.get("serialization_retries", "n/a"),
                    summary["wall_s"],
                    summary["confirmations_per_s"],
                    ms(summary["latency_median_ms"]),
                    ms(summary["latency_p95_ms"]),
                )  # fmt: skip
            )
    lines += [
        "",
        "After each ceiling phase: total of the confirmed orders that are not "
        "blocked, per shared customer.",
        "",
        "| variant | phase | customer | confirmed orders "
        "| confirmed total | ceiling | within |",
        "| --- | --- | --- | ---: | ---: | ---: | --- |",
    ]
    for variant in variants_of(results):
        for phase, summary in results["load"].get(variant, {}).items():
            for row in summary.get("customers", []):
                within = "yes" if row["within"] else "**no**"
                if variant == "vanilla":
                    within += " (no check)"
                lines.append(
                    "| %s | %s | %s | %d | %.2f | %.2f | %s |"
                    % (
                        LABELS[variant],
                        phase,
                        row["customer"],
                        row["confirmed_orders"],
                        row["confirmed_total"],
                        row["ceiling"],
                        within,
                    )  # fmt: skip
                )
    errors = [
        (variant, phase, message)
        for variant, phases in results["load"].items()
        for phase, summary in phases.items()
        for message in summary.get("error_messages", [])
    ]
    if errors:
        lines += ["", "Errors returned to the clients (first of each kind):", ""]
        lines += ["- %s, %s: %s" % (LABELS[v], p, m) for v, p, m in errors]
    lines.append("")
    return lines


def section_components(results):
    if "components" not in results:
        return []
    sizes = results["args"]["sizes"]
    largest = max(sizes)
    documents = results["documents"]
    lines = [
        "### 6. credit_exposure's SQL",
        "",
        "Exposure computations per confirmation (calls of "
        "`credit.exposure.compute_figures` for credit_exposure, of "
        "`res.partner._compute_risk_account_amount` for OCA): %s."
        % (
            ", ".join(
                "%s %d" % (LABELS[variant], count)
                for variant, count in sorted(
                    results.get("checks_per_confirm", {}).items()
                )
            )
            or "not measured"
        ),
        "",
        "Each query alone for the largest customer (%s open documents), median "
        "/ 95th percentile of %d runs. `compute_figures` reads the customer's "
        "exposure movements, which is all a check reads. The three document "
        "queries sum the documents themselves: the addon runs them only to "
        "rebuild the movements when it is updated, and the tests to check "
        "them." % (documents[largest], results["args"]["repeat"]),
        "",
        "| query | median / 95th percentile |",
        "| --- | --- |",
    ]
    for name, summary in results["components"].items():
        lines.append(
            "| `%s` | %s / %s ms |"
            % (name, ms(summary["median_ms"]), ms(summary["p95_ms"]))
        )
    lines.append("")
    return lines


def paired_overhead(credit, vanilla):
    """Return the median of credit's extra time per repetition, over vanilla's median.

    The variants run seconds apart in each repetition, so pairing them takes
    out most of the machine's varying load. Runs recorded before the samples
    were kept fall back to the difference of the medians.
    """
    pairs = list(zip(credit.get("samples_ms", []), vanilla.get("samples_ms", [])))
    if not pairs:
        return credit["median_ms"] / vanilla["median_ms"] - 1.0
    extra = statistics.median(c - v for c, v in pairs)
    return extra / vanilla["median_ms"]


def section_goals(results):
    args = results["args"]
    sizes = args["sizes"]
    confirm = results["confirm"]
    rows = []
    overheads = []
    for size in sizes:
        credit = confirm.get(("credit", size, "confirm"))
        vanilla = confirm.get(("vanilla", size, "confirm"))
        if credit and vanilla:
            overheads.append(
                (
                    size,
                    credit["median_ms"] / vanilla["median_ms"] - 1.0,
                    paired_overhead(credit, vanilla),
                )
            )
    if overheads:
        worst = max(overheads, key=lambda item: item[2])
        rows.append(
            (
                "confirmation within 10 % of vanilla at every size",
                "worst %+.1f %% at %s documents, as the median of the differences "
                "paired by repetition (%s); as the difference of the medians: %s"
                % (
                    100.0 * worst[2],
                    results["documents"][worst[0]],
                    ", ".join("%+.1f %%" % (100.0 * o[2]) for o in overheads),
                    ", ".join("%+.1f %%" % (100.0 * o[1]) for o in overheads),
                ),
                worst[2] <= CONFIRM_OVERHEAD_MAX,
            )
        )
    first, last = sizes[0], sizes[-1]
    credit_first = confirm.get(("credit", first, "check"))
    credit_last = confirm.get(("credit", last, "check"))
    if credit_first and credit_last and first != last:
        growth = credit_last["median_ms"] / credit_first["median_ms"]
        rows.append(
            (
                "check at %s documents <= 1.2 x check at %s"
                % (results["documents"][last], results["documents"][first]),
                "%.2f x (%.1f ms against %.1f ms)"
                % (growth, credit_last["median_ms"], credit_first["median_ms"]),
                growth <= CHECK_GROWTH_MAX,
            )
        )
    speedups = []
    for size in sizes:
        credit = confirm.get(("credit", size, "check"))
        oca = confirm.get(("oca", size, "check"))
        if credit and oca:
            speedups.append((size, oca["median_ms"] / credit["median_ms"]))
    if speedups:
        rows.append(
            (
                "check faster than OCA at every size",
                ", ".join(
                    "%.1f x at %s" % (s, results["documents"][z]) for z, s in speedups
                ),
                all(s > 1.0 for _, s in speedups),
            )
        )
        rows.append(
            (
                "check at least 10 x faster than OCA for the largest customer",
                "%.1f x" % speedups[-1][1],
                speedups[-1][1] >= OCA_SPEEDUP_LARGEST_MIN,
            )
        )
    credit_lists = {
        label: summary
        for (variant, label), summary in results["lists"].items()
        if variant == "credit"
    }
    page = [label for label in credit_lists if label.startswith("Customers at Risk (")]
    fallback = [label for label in credit_lists if label.startswith("res.partner")]
    chosen = page or fallback
    if chosen:
        summary = credit_lists[chosen[0]]
        rows.append(
            (
                "customers-at-risk list for %d customers in under 1 s"
                % results["dataset"]["crowd"],
                "%.0f ms (%s%s)"
                % (
                    summary["median_ms"],
                    chosen[0],
                    "" if page else "; no credit.customer.exposure report model",
                ),
                summary["median_ms"] < RISK_LIST_MAX_MS,
            )
        )
    lines = [
        "### Goals",
        "",
        "| goal | measured | verdict |",
        "| --- | --- | --- |",
    ]
    for goal, measured_text, met in rows:
        lines.append(
            "| %s | %s | %s |" % (goal, measured_text, "met" if met else "**missed**")
        )
    lines.append("")
    return lines


def render(results):
    args = results["args"]
    when = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    lines = [
        START_MARK,
        "",
        "## Results of the last run",
        "",
        "Written by `bench/run.py` on %s; the run took %.0f min."
        % (when, results["total_s"] / 60.0),
        "",
        "Command:",
        "",
        "```",
        args.get("command_line") or "scripts/benchmark",
        "```",
        "",
    ]
    for section in (
        section_machine,
        section_dataset,
        section_goals,
        section_confirm,
        section_growth,
        section_lists,
        section_writes,
        section_load,
        section_components,
    ):
        lines += section(results)
    lines.append(END_MARK)
    return "\n".join(lines) + "\n"


def write_markdown(results, path):
    """Replace the results section of path (between the marks), or create the file."""
    section = render(results)
    if os.path.exists(path):
        with open(path) as handle:
            text = handle.read()
        if START_MARK in text and END_MARK in text:
            head = text.split(START_MARK)[0]
            tail = text.split(END_MARK, 1)[1].lstrip("\n")
            text = head + section + ("\n" + tail if tail else "")
        else:
            text = text.rstrip("\n") + "\n\n" + section
    else:
        text = "# Benchmarks\n\n" + section
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as handle:
        handle.write(text)
