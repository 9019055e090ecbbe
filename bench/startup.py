"""Start-up time of `reattune serve` and resident memory per worker after load.

Run from the repository root: .venv/bin/python bench/startup.py [--db sqlite|postgres]
Prints a table and writes bench/results/startup.json.

- first start: a new data directory (key files, migrations, collectstatic) until /login/
  answers 200;
- restart: the same data directory again (what a host sees after an upgrade or a reboot),
  several times, median;
- memory: after the demo data and a load of every main page (threads, both partners), the
  resident set size (VmRSS) of each gunicorn worker and of the master.

Targets (issue 8): restart under 2 s to the first successful response; under 120 MB per worker.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# bench/http.py would shadow the standard http package: take bench/ off sys.path.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
_spec = importlib.util.spec_from_file_location("bench_common", HERE / "_common.py")
common = importlib.util.module_from_spec(_spec)
sys.modules["bench_common"] = common
_spec.loader.exec_module(common)

from tests.browser import REPO, free_port, http_get  # noqa: E402

PAGES = ["/home/", "/rituals/", "/rituals/progress/", "/results/", "/results/us/", "/plan/"]
PAGES += ["/journal/", "/report/", "/couple/"]
TARGET_SECONDS = 2.0
TARGET_MB = 120


def start(env, workers: int, threads: int, log: Path):
    port = free_port()
    handle = open(log, "ab")  # noqa: SIM115 - closed right after Popen
    started = time.perf_counter()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "reattune", "serve", "--port", str(port)]
            + ["--workers", str(workers), "--threads", str(threads)],
            env=env,
            cwd=REPO,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    finally:
        handle.close()
    deadline = started + 120
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"reattune serve exited:\n{log.read_text()[-3000:]}")
        try:
            status, _, _ = http_get(f"http://127.0.0.1:{port}/login/", timeout=2)
        except OSError:
            status = None
        if status == 200:
            return process, port, time.perf_counter() - started
        time.sleep(0.01)
    process.kill()
    raise RuntimeError("reattune serve did not answer within 120 s")


def stop(process) -> None:
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--restarts", type=int, default=3)
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args(argv)
    begun = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="reattune-bench-startup-"))
    log = folder / "serve.log"
    data = {"machine": common.machine(), "database": args.db, "workers": args.workers}
    with common.database(args.db) as url:
        env = common.app_environment(folder / "data", url)
        process, port, first = start(env, args.workers, args.threads, log)
        stop(process)
        restarts = []
        for _ in range(args.restarts):
            process, port, took = start(env, args.workers, args.threads, log)
            restarts.append(took)
            stop(process)
        process, port, took = start(env, args.workers, args.threads, log)
        restarts.append(took)
        try:
            accounts = common.App(None, env, folder / "data").demo()
            logged = [common.Session(port).login(a["email"], a["password"]) for a in accounts]
            sessions = []
            for i in range(8):
                session = common.Session(port)
                session.cookies = dict(logged[i % 2].cookies)
                sessions.append(session)
            counter = iter(range(10**9))

            def call(session, i):
                return session.request("GET", PAGES[next(counter) % len(PAGES)])[0]

            run = common.load(sessions, common.Target("mixed", call), 8, args.requests, 60)
            workers = common.children(process.pid)
            memory = {
                "master_mb": common.rss_mb(process.pid),
                "workers_mb": [common.rss_mb(pid) for pid in workers],
                "requests": len(run.latencies),
                "errors": run.errors,
            }
        finally:
            stop(process)
            shutil.rmtree(folder, ignore_errors=True)
    data["first_start_s"] = round(first, 2)
    data["restart_s"] = [round(x, 2) for x in restarts]
    data["restart_median_s"] = round(statistics.median(restarts), 2)
    data["memory"] = memory
    worst = max(memory["workers_mb"] or [0])
    rows = [
        ["first start (new data dir)", f"{first:.2f} s", "-", "(info)"],
        [
            "restart, median",
            f"{data['restart_median_s']:.2f} s",
            f"< {TARGET_SECONDS} s",
            "yes" if data["restart_median_s"] < TARGET_SECONDS else "NO",
        ],
        ["master RSS", f"{memory['master_mb']} MB", "-", "(info)"],
        [
            f"worker RSS after {memory['requests']} requests (max of {len(memory['workers_mb'])})",
            f"{worst} MB",
            f"< {TARGET_MB} MB",
            "yes" if 0 < worst < TARGET_MB else "NO",
        ],
    ]
    print()
    common.print_table(["measure", "value", "target", "met"], rows)
    data["seconds"] = round(time.monotonic() - begun, 1)
    common.write_results("startup", data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
