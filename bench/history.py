"""How page cost grows with history: 1 month against 10 years of daily check-ins.

Run from the repository root: .venv/bin/python bench/history.py [--db sqlite|postgres]
Prints a table and writes bench/results/history.json.

One `reattune serve` (SQLite by default), the demo couple, and two bulk couples made with
`reattune demo --couples 1 --days D` (30 and 3650 days, reattune/bulk.py). Both bulk couples
then get the same finished check-up and include their report sections, one partner of each
gets a password, and each page is requested sequentially (one client) as that partner, with
the median compared. Target (issue 8): 10 years at most 1.5x 1 month for the dashboard and
the couple view.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import time
from pathlib import Path

# bench/http.py would shadow the standard http package: take bench/ off sys.path.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
_spec = importlib.util.spec_from_file_location("bench_common", HERE / "_common.py")
common = importlib.util.module_from_spec(_spec)
sys.modules["bench_common"] = common
_spec.loader.exec_module(common)

PASSWORD = "bench-history-password"  # noqa: S105 - a throw-away benchmark account
PAGES = [
    ("dashboard", "/rituals/progress/", True),
    ("couple view", "/results/us/", True),
    ("dashboard, all time", "/rituals/progress/?range=all", False),
    ("rituals home", "/rituals/", False),
    ("home", "/home/", False),
    ("report", "/report/", False),
]
TARGET = 1.5

PREPARE = """
import json
from django.db.models import Count
from reattune.accounts.models import User
from reattune.couples.models import Membership
from reattune.rituals.models import DailyCheckIn
from reattune.reports.build import do_set_included
from tests.checkups import complete_checkup

spaces = (
    DailyCheckIn.objects.filter(author__email__endswith="@bulk.reattune.example")
    .values("space_id").annotate(n=Count("id")).order_by("n")
)
out = {}
for label, row in (("month", spaces.first()), ("decade", spaces.last())):
    members = [m.user for m in Membership.objects.filter(space_id=row["space_id"], left_at=None)
               .select_related("user").order_by("user__email")]
    for i, user in enumerate(members):
        complete_checkup(user, 0.6 if i else 0.7)
        do_set_included(user, True)
    members[0].set_password(%r)
    members[0].save(update_fields=["password"])
    out[label] = {"email": members[0].email, "checkins": row["n"]}
print(json.dumps(out))
"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--short-days", type=int, default=30)
    parser.add_argument("--long-days", type=int, default=3650)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args(argv)
    started = time.monotonic()
    data = {"machine": common.machine(), "database": args.db, "target_ratio": TARGET}
    with common.database(args.db) as url, common.running_app(url) as app:
        print("generating data ...", flush=True)
        app.demo()
        app.demo("--couples", "1", "--days", str(args.short_days))
        app.demo("--couples", "1", "--days", str(args.long_days))
        result = app.cli("manage", "shell", "-c", PREPARE % PASSWORD)
        couples = json.loads(result.stdout.strip().splitlines()[-1])
        data["couples"] = couples
        figures: dict[str, dict] = {}
        sessions = {
            label: common.Session(app.port).login(c["email"], PASSWORD)
            for label, c in couples.items()
        }
        for name, path, _ in PAGES:
            for session in sessions.values():
                for _ in range(3):
                    session.request("GET", path)
            # Alternate the two couples so machine noise hits both alike.
            times = {label: [] for label in sessions}
            for _ in range(args.requests):
                for label, session in sessions.items():
                    t = time.perf_counter()
                    status, _body = session.request("GET", path)
                    took = time.perf_counter() - t
                    if status != 200:
                        raise RuntimeError(f"{path} answered {status} for {label}")
                    times[label].append(took)
            figures[name] = {
                label: round(statistics.median(values) * 1000, 2) for label, values in times.items()
            }
            figures[name]["ratio"] = round(figures[name]["decade"] / figures[name]["month"], 2)
        data["pages"] = figures
    rows = []
    for name, _path, targeted in PAGES:
        f = figures[name]
        verdict = ("yes" if f["ratio"] <= TARGET else "NO") if targeted else "(info)"
        rows.append([name, f["month"], f["decade"], f["ratio"], verdict])
    print(
        f"\ncheck-ins: 1 month {couples['month']['checkins']}, "
        f"10 years {couples['decade']['checkins']} (one couple each)\n"
    )
    common.print_table(["page", "1 month ms", "10 years ms", "ratio", f"<= {TARGET}x"], rows)
    data["seconds"] = round(time.monotonic() - started, 1)
    common.write_results("history", data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
