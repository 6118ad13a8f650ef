"""Summarise an Odoo 11 test log: tests run, failed, in error and skipped.

Odoo's test runner writes unittest's text output through the logger named after
each test module. At INFO level, the log of each test module contains one
``Ran N tests`` line and then ``OK`` or ``FAILED (failures=F, errors=E)``.
Each failing test adds a ``FAIL: test (class)`` or ``ERROR: test (class)`` line.

Usage: python suite_report.py LOG [KNOWN_FAILURES [ADDONS]]

Prints a table per addon and the totals. With KNOWN_FAILURES (a file of
``addon.tests.module.Class.test`` lines, each followed by ``# reason``), exits
1 when a failing test is not listed there, so that only a new failure breaks
CI. ADDONS, a comma-separated list, restricts the report to those addons.
"""

import collections
import re
import sys

LINE = re.compile(r"^\S+ \S+ \d+ (?P<level>\w+) \S+ (?P<logger>\S+): (?P<message>.*)$")
RAN = re.compile(r"^Ran (\d+) tests? in")
SKIPPED = re.compile(r"skipped=(\d+)")
FAILED_TEST = re.compile(r"^(FAIL|ERROR): (\w+) \(([\w.]+)\)")


def parse(path):
    """Return per-addon counters and the list of failing test ids."""
    counts = collections.defaultdict(collections.Counter)
    failing = []
    with open(path, encoding="utf-8", errors="replace") as log:
        for raw in log:
            match = LINE.match(raw.rstrip("\n"))
            if not match or not match.group("logger").startswith("odoo.addons."):
                continue
            addon = match.group("logger").split(".")[2]
            message = match.group("message")
            ran = RAN.match(message)
            if ran:
                counts[addon]["run"] += int(ran.group(1))
            elif message.startswith(("OK", "FAILED")):
                skipped = SKIPPED.search(message)
                counts[addon]["skipped"] += int(skipped.group(1)) if skipped else 0
            failed = FAILED_TEST.match(message)
            if failed:
                kind, test, test_class = failed.groups()
                counts[addon]["failures" if kind == "FAIL" else "errors"] += 1
                # Python 3.11 names a test "test (module.Class.test)", older
                # ones "test (module.Class)".
                if not test_class.endswith("." + test):
                    test_class += "." + test
                failing.append(test_class.replace("odoo.addons.", ""))
    return counts, failing


def read_known(path):
    """Return the known failing test ids, each mapped to its written reason."""
    known = {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            test, _, reason = line.partition("#")
            if test.strip():
                known[test.strip()] = reason.strip()
    return known


def main(argv):
    counts, failing = parse(argv[1])
    if len(argv) > 3:
        addons = argv[3].split(",")
        counts = {addon: row for addon, row in counts.items() if addon in addons}
        failing = [test for test in failing if test.split(".")[0] in addons]
    total = collections.Counter()
    print("%-16s %6s %6s %6s %8s" % ("addon", "run", "failed", "errors", "skipped"))
    for addon in sorted(counts):
        row = counts[addon]
        total.update(row)
        print(
            "%-16s %6d %6d %6d %8d"
            % (addon, row["run"], row["failures"], row["errors"], row["skipped"])
        )
    print(
        "%-16s %6d %6d %6d %8d"
        % ("total", total["run"], total["failures"], total["errors"], total["skipped"])
    )
    if len(argv) < 3:
        return 0
    known = read_known(argv[2])
    unexpected = [test for test in failing if test not in known]
    for test in failing:
        note = known.get(test)
        print(
            "%s %s%s"
            % ("known" if note else "NEW  ", test, " # " + note if note else "")
        )
    if total["run"] == 0:
        print("no Odoo test ran: the suites did not start")
        return 1
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
