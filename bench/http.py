"""Bounded HTTP load on loopback against `reattune serve` with the demo data.

Run from the repository root: .venv/bin/python bench/http.py [--db sqlite|postgres|both]
Prints a table and writes bench/results/http.json.

For each database (SQLite in a temp data dir; PostgreSQL from DATABASE_URL, else a private
throw-away cluster), it starts `reattune serve` (default 2 workers x 4 threads) with
REATTUNE_BENCH_FLOOR=1, loads the demo couple (`reattune demo --json`), logs both partners in
through the real form, and loads each page with 1 and with 20 concurrent clients (threads,
one keep-alive connection each, alternating the two partners), each run bounded in requests
and in seconds, split over rounds (--rounds, default 4: every round loads the floor and then
each page with its share, so a machine that gets busier or quieter during the run moves the
floor and the pages alike):

- floor: a minimal view (one query, one small template) behind the same middleware;
- home, dashboard (/rituals/progress/), couple view (/results/us/), report (/report/);
- check-in: the daily check-in over the API with a bearer token (POSTed once per partner
  while preparing; each measured request then changes it with PUT, a real encrypted write);
- coach: the coach API, when the running app has one (found in its OpenAPI schema).

Targets: each median at most 3x the floor's in the same run (2x the goal beyond that); p99
under 100 ms at 20 clients on 2 cores. The table marks both ratios. It also gives the server's
CPU time per request (its master and workers, from /proc) and its ratio to the floor's: on a
busy machine the wall times stretch with everything else running, the CPU per request much
less, so it tells what a page costs when the medians cannot.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import time
from pathlib import Path

# This file is named http.py: with bench/ first on sys.path it would shadow the standard
# library's http package (http.client) for everything imported after it. Take bench/ off.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
_spec = importlib.util.spec_from_file_location("bench_common", HERE / "_common.py")
common = importlib.util.module_from_spec(_spec)
sys.modules["bench_common"] = common
_spec.loader.exec_module(common)

import argparse  # noqa: E402

Run, Session, Target = common.Run, common.Session, common.Target
database, load = common.database, common.load
machine, print_table, running_app = common.machine, common.print_table, common.running_app
stats, write_results = common.stats, common.write_results

CHECKIN = {
    "connection_today": 7,
    "feelings": ["calm"],
    "best_part": "A walk after dinner.",
    "challenging_part": "A long day at work.",
    "appreciation": "You made tea.",
}
COACH_TEXT = "You never listen to me when I talk about my day."


def _process_tree_cpu(root: int) -> float:
    """CPU seconds (user + system) used so far by `root` and every process below it (the
    server's master and its workers), from /proc; 0.0 where /proc is not there."""
    ticks = os.sysconf("SC_CLK_TCK")
    parent_of, cpu = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent_of[int(entry.name)] = int(fields[1])
        cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / ticks
    total = 0.0
    for pid, seconds in cpu.items():
        walk = pid
        while walk not in (root, 0, 1) and walk in parent_of:
            walk = parent_of[walk]
        if walk == root:
            total += seconds
    return total


def api(session: Session, method: str, path: str, token: str, body=None):
    headers = {"Authorization": f"Bearer {token}"}
    data = None
    if body is not None:
        data = json.dumps(body)
        headers["Content-Type"] = "application/json"
    return session.request(method, path, data, headers)


def coach_operation(session: Session, token: str):
    """(path, body) of a POST under /api/v1/coach taking text, or None."""
    status, body = api(session, "GET", "/api/v1/openapi.json", token)
    if status != 200:
        return None
    paths = json.loads(body).get("paths", {})
    for path, operations in sorted(paths.items()):
        if "/coach" in path and "post" in operations and "{" not in path:
            return path, {"text": COACH_TEXT}
    return None


def targets(app, accounts, sessions) -> tuple[list[Target], dict]:
    tokens = [a["token"] for a in accounts]
    days = []
    for i, token in enumerate(tokens):
        status, body = api(sessions[i], "POST", "/api/v1/rituals/daily", token, CHECKIN)
        if status not in (200, 201, 409):
            raise RuntimeError(f"check-in POST answered {status}: {body[:300]!r}")
        status, body = api(sessions[i], "GET", "/api/v1/rituals/today", token)
        today = next(p for p in json.loads(body) if p.get("kind") in ("daily", "Daily check-in"))
        days.append(today.get("period"))

    def page(path):
        return lambda session, i: session.request("GET", path)[0]

    def checkin(session, i):
        who = i % 2
        return api(session, "PUT", f"/api/v1/rituals/daily/{days[who]}", tokens[who], CHECKIN)[0]

    found = [
        Target("floor", page("/bench/floor/")),
        Target("home", page("/home/")),
        Target("check-in (API PUT)", checkin),
        Target("dashboard", page("/rituals/progress/")),
        Target("couple view", page("/results/us/")),
        Target("report", page("/report/")),
    ]
    notes = {}
    coach = coach_operation(sessions[0], tokens[0])
    if coach:
        path, body = coach
        found.append(
            Target(
                "coach API",
                lambda session, i: api(session, "POST", path, tokens[i % 2], body)[0],
                ok=(200, 201),
            )
        )
    else:
        notes["coach API"] = "not present in this build (no POST under /api/v1/coach)"
    return found, notes


def bench_database(kind: str, args) -> dict:
    with database(kind) as url, running_app(url, args.workers, args.threads, floor=True) as app:
        accounts = app.demo()
        logged = [Session(app.port).login(a["email"], a["password"]) for a in accounts]
        sessions = []
        for i in range(max(*args.clients, 2)):  # at least one session per partner
            session = Session(app.port)
            session.cookies = dict(logged[i % 2].cookies)
            sessions.append(session)
        found, notes = targets(app, accounts, sessions)
        results = {"database": kind, "notes": notes, "pages": {}, "rounds": args.rounds}
        for clients in args.clients:
            requests, seconds = (
                (args.requests_one, args.seconds_one)
                if clients == 1
                else (args.requests_many, args.seconds_many)
            )
            # In rounds: each round loads every target (the floor first) with its share of
            # the bounds, so the floor and each page see the same moments of the machine.
            runs = {target.name: Run() for target in found}
            cpu = {target.name: [0.0, 0] for target in found}  # seconds, requests served
            for _ in range(args.rounds):
                for target in found:
                    cpu_before = _process_tree_cpu(app.served.process.pid)
                    run = load(
                        sessions, target, clients, requests // args.rounds, seconds / args.rounds
                    )
                    cpu[target.name][0] += _process_tree_cpu(app.served.process.pid) - cpu_before
                    # load() warms up with 3 requests per client: served too.
                    cpu[target.name][1] += (
                        len(run.latencies) + sum(run.errors.values()) + 3 * clients
                    )
                    total = runs[target.name]
                    total.latencies += run.latencies
                    total.elapsed += run.elapsed
                    for error, count in run.errors.items():
                        total.errors[error] = total.errors.get(error, 0) + count
            for target in found:
                figures = stats(runs[target.name])
                # The server's CPU per request: what a page costs whatever else the machine
                # is doing, unlike the wall time.
                used, served = cpu[target.name]
                figures["server_cpu_ms"] = round(used * 1000 / served, 2) if served else None
                results["pages"].setdefault(target.name, {})[str(clients)] = figures
                print(
                    f"  {kind:8} {clients:>2} client(s)  {target.name:20} "
                    f"median {figures.get('median_ms')} ms  p99 {figures.get('p99_ms')} ms  "
                    f"server CPU {figures.get('server_cpu_ms')} ms/request  "
                    f"{figures.get('rps')} req/s  errors {figures['errors'] or '-'}",
                    flush=True,
                )
        for session in sessions + logged:
            session.close()
        return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 20])
    parser.add_argument("--requests-one", type=int, default=100)
    parser.add_argument("--seconds-one", type=float, default=4.0)
    parser.add_argument("--requests-many", type=int, default=300)
    parser.add_argument("--seconds-many", type=float, default=6.0)
    parser.add_argument(
        "--rounds", type=int, default=4, help="split each page's bounds over this many rounds"
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    kinds = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    data = {
        "machine": machine(),
        "server": {"workers": args.workers, "threads": args.threads},
        "bounds": {
            "1": [args.requests_one, args.seconds_one],
            "many": [args.requests_many, args.seconds_many],
            "rounds": args.rounds,
        },
        "targets": {"median_vs_floor": 3.0, "median_vs_floor_goal": 2.0, "p99_ms_at_20": 100},
        "runs": [],
    }
    for kind in kinds:
        print(f"{kind}: preparing", flush=True)
        data["runs"].append(bench_database(kind, args))
    rows = []
    for run in data["runs"]:
        for clients in map(str, args.clients):
            floor = run["pages"]["floor"][clients].get("median_ms")
            floor_cpu = run["pages"]["floor"][clients].get("server_cpu_ms")
            for name, by_clients in run["pages"].items():
                figures = by_clients[clients]
                median = figures.get("median_ms")
                ratio = round(median / floor, 2) if median and floor else None
                figures["ratio_to_floor"] = ratio
                cpu = figures.get("server_cpu_ms")
                cpu_ratio = round(cpu / floor_cpu, 2) if cpu and floor_cpu else None
                figures["cpu_ratio_to_floor"] = cpu_ratio
                ok = ratio is not None and (name == "floor" or ratio <= 2.0)
                within_3x = ratio is not None and (name == "floor" or ratio <= 3.0)
                if clients == "20":
                    ok = ok and figures.get("p99_ms", 1e9) < 100
                rows.append(
                    [
                        run["database"],
                        clients,
                        name,
                        median,
                        figures.get("p99_ms"),
                        figures.get("rps"),
                        ratio,
                        cpu,
                        cpu_ratio,
                        sum(figures["errors"].values()) if figures["errors"] else 0,
                        "yes" if within_3x else "NO",
                        "yes" if ok else "NO",
                    ]
                )
    print()
    print_table(
        [
            "db",
            "clients",
            "page",
            "median ms",
            "p99 ms",
            "req/s",
            "x floor",
            "CPU ms",
            "CPU x floor",
            "errors",
            "<= 3x",
            "2x goal",
        ],
        rows,
    )
    for run in data["runs"]:
        for name, note in run["notes"].items():
            print(f"{run['database']}: {name}: {note}")
    data["seconds"] = round(time.monotonic() - started, 1)
    write_results("http", data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
