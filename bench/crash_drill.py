"""Crash drill: writes through the API while `reattune serve` is killed with SIGKILL.

Run from the repository root:  python bench/crash_drill.py [--count N] [--kills K] [--seed S]

A fresh data directory (SQLite, WAL, synchronous=FULL; with --data-from, a copy of a new
installation's, migrated beforehand) and one account with a personal access token. Then, epoch by epoch: start `reattune serve` in a subprocess, let a few client
threads POST journal entries (each with its own submit_key), and at a random moment SIGKILL
the server's whole process group; restart and go on until N writes were attempted. Finally
kill it once more, then check:

- `PRAGMA integrity_check` on the database file is "ok";
- every write the client saw confirmed (HTTP 201 received) is in the database, and after a
  restart the API returns each of them with exactly the text that was sent.

A write that was cut off (no answer) may or may not be there: both are fine, it was never
confirmed. Prints a summary and writes bench/results/crash_drill.json (--results to change).
Exit status 0 when nothing confirmed was lost and the database is intact, 1 otherwise.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder is first on sys.path; a bench module named like a standard
# module (http.py, json.py...) must not shadow it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import argparse  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import sqlite3  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "crash_drill.json"
START_TIMEOUT = 180.0  # a busy 2-core machine can take over a minute to start two workers
EMAIL = "drill@example.org"

CREATE_ACCOUNT = f"""
from reattune.accounts.actions import do_create_token, do_create_user
user = do_create_user({EMAIL!r}, "crash drill passphrase 42", "Drill")
print("TOKEN " + do_create_token(user, "crash drill")[1])
"""


def drill_env(data_dir: Path) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("REATTUNE_")
        and name not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DATABASE_URL_FILE")
    }
    env.update(
        REATTUNE_DATA_DIR=str(data_dir), REATTUNE_STATIC_FROM_SOURCE="1", PYTHONUNBUFFERED="1"
    )
    # Files rebuilt from the shipped data (the crisis patterns' analysis), shared by every
    # process: a cache folder given to the drill is kept, so its first server start does not
    # analyse every language's patterns again (about 1.2 CPU-s) in a folder of its own.
    if os.environ.get("REATTUNE_CACHE_DIR"):
        env["REATTUNE_CACHE_DIR"] = os.environ["REATTUNE_CACHE_DIR"]
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`reattune serve` in its own process group, so SIGKILL reaches master and workers."""

    def __init__(self, env: dict, log_dir: Path, workers: int):
        self.env, self.log_dir, self.workers = env, log_dir, workers
        self.process: subprocess.Popen | None = None
        self.port = 0
        self.starts = 0

    def start(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            self.port = free_port()
            self.starts += 1
            log_path = self.log_dir / f"serve-{self.starts}.log"
            with open(log_path, "wb") as log:
                self.process = subprocess.Popen(
                    [sys.executable, "-m", "reattune", "serve", "--host", "127.0.0.1",
                     "--port", str(self.port), "--workers", str(self.workers), "--threads", "4",
                     "--no-access-log"],
                    env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                    start_new_session=True,
                )  # fmt: skip
            listening = f"Listening at: http://127.0.0.1:{self.port}"
            while time.monotonic() < deadline:
                output = log_path.read_text(errors="replace")
                if self.process.poll() is not None or "Connection in use" in output:
                    self.kill()
                    break
                if listening in output and self._answers():
                    return
                time.sleep(0.05)
        raise RuntimeError(f"reattune serve did not start; see {self.log_dir}")

    def _answers(self) -> bool:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            connection.request("GET", "/login/")
            ok = connection.getresponse().status == 200
            connection.close()
            return ok
        except OSError:
            return False

    def kill(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


def post_entry(port: int, token: str, key: str, body: str) -> int | None:
    """The status the client saw, or None if no answer came (cut off)."""
    payload = json.dumps({"body": body, "visibility": "private", "submit_key": key})
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        connection.request(
            "POST",
            "/api/v1/journal",
            body=payload.encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        status = connection.getresponse().status
        connection.close()
        return status
    except (OSError, http.client.HTTPException):
        return None


def fetch_entries(port: int, token: str) -> dict[str, str]:
    """body by text for every entry the API lists (paged)."""
    found, offset = {}, 0
    while True:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request(
            "GET",
            f"/api/v1/journal?scope=mine&limit=200&offset={offset}",
            headers={"Authorization": f"Bearer {token}"},
        )
        response = connection.getresponse()
        rows = json.loads(response.read())
        connection.close()
        if response.status != 200:
            raise RuntimeError(f"listing entries answered {response.status}")
        for row in rows:
            found[row["body"]] = row["body"]
        if len(rows) < 200:
            return found
        offset += 200


def run(
    count: int,
    kills: int,
    seed: int,
    threads: int,
    workers: int,
    keep: bool,
    data_from: Path | None = None,
) -> dict:
    rng = random.Random(seed)
    work = Path(tempfile.mkdtemp(prefix="reattune-crash-drill-"))
    data_dir = work / "data"
    if data_from:  # a new installation made beforehand: its copy, modes and all
        shutil.copytree(data_from, data_dir)
    env = drill_env(data_dir)
    server = Server(env, work, workers)
    started = time.monotonic()
    confirmed: dict[str, str] = {}  # submit_key -> body
    cut_off: dict[str, str] = {}
    other: dict[int, int] = {}
    lock = threading.Lock()
    attempted = 0
    kill_times = []
    try:
        server.start()  # applies the migrations (none left with --data-from)
        made = subprocess.run(
            [sys.executable, "-m", "reattune", "manage", "shell", "-c", CREATE_ACCOUNT],
            env=env, cwd=ROOT, capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
        token = next(
            line.split(" ", 1)[1] for line in made.stdout.splitlines() if line.startswith("TOKEN ")
        )
        # Kill moments: spread over the run, each after a random share of the writes.
        kill_after = sorted(rng.sample(range(1, max(count, kills + 1)), kills))
        epoch = 0
        while attempted < count:
            trigger = kill_after[epoch] if epoch < len(kill_after) else None
            delay = rng.uniform(0.0, 0.05)
            epoch_dead = threading.Event()

            def writer(port=server.port, limit=count, dead=epoch_dead):
                nonlocal attempted
                while not dead.is_set():
                    with lock:
                        if attempted >= limit:
                            return
                        attempted += 1
                        number = attempted
                    key = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                    body = f"crash drill {seed}:{number} ✓ {key[:8]}"
                    status = post_entry(port, token, key, body)
                    with lock:
                        if status == 201:
                            confirmed[key] = body
                        elif status is None:
                            cut_off[key] = body
                            dead.set()
                        else:
                            other[status] = other.get(status, 0) + 1

            pool = [threading.Thread(target=writer) for _ in range(threads)]
            for thread in pool:
                thread.start()
            if trigger is not None:
                # Kill while writes are in flight: a little after the trigger-th write began.
                while True:
                    with lock:
                        if attempted >= trigger:
                            break
                    time.sleep(0.002)
                time.sleep(delay)
                kill_times.append(round(time.monotonic() - started, 3))
                server.kill()
                epoch_dead.set()
            for thread in pool:
                thread.join()
            epoch += 1
            if attempted < count and server.process.poll() is not None:
                server.start()
        # The last blow: SIGKILL right after the final writes, then look at the file.
        server.kill()
        kill_times.append(round(time.monotonic() - started, 3))
        database = data_dir / "reattune.sqlite3"
        connection = sqlite3.connect(database)
        integrity = "; ".join(r[0] for r in connection.execute("PRAGMA integrity_check"))
        stored = {
            str(uuid.UUID(row[0]))
            for row in connection.execute("SELECT submit_key FROM journal_entry")
        }
        connection.close()
        missing_in_db = sorted(set(confirmed) - stored)
        # And through the app: every confirmed text reads back exactly.
        server.start()
        listed = fetch_entries(server.port, token)
        server.stop()
        unreadable = sorted(k for k, body in confirmed.items() if body not in listed)
    finally:
        server.kill()
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    result = {
        "count": count,
        "seed": seed,
        "threads": threads,
        "workers": workers,
        "kills": len(kill_times),
        "server_starts": server.starts,
        "confirmed": len(confirmed),
        "cut_off": len(cut_off),
        "cut_off_but_stored": len(set(cut_off) & stored),
        "other_statuses": {str(k): v for k, v in sorted(other.items())},
        "missing_confirmed": len(missing_in_db),
        "unreadable_confirmed": len(unreadable),
        "integrity_check": integrity,
        "seconds": round(time.monotonic() - started, 2),
        "ok": integrity == "ok" and not missing_in_db and not unreadable,
    }
    if keep:
        result["work_dir"] = str(work)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=300, help="writes to attempt (300)")
    parser.add_argument("--kills", type=int, default=5, help="SIGKILLs during the run (5)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: random)")
    parser.add_argument("--threads", type=int, default=4, help="client threads (4)")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes (2)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="JSON file to write")
    parser.add_argument("--keep", action="store_true", help="keep the data dir and logs")
    parser.add_argument(
        "--data-from",
        type=Path,
        default=None,
        help="start from a copy of this SQLite data directory of a new installation (migrated, "
        "key files made, no rows) instead of an empty one",
    )
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 30)
    result = run(
        args.count, args.kills, seed, args.threads, args.workers, args.keep, args.data_from
    )
    print(
        f"crash drill (seed {seed}): {result['count']} writes, {result['kills']} SIGKILLs, "
        f"{result['server_starts']} starts in {result['seconds']} s\n"
        f"  confirmed (201): {result['confirmed']}, cut off: {result['cut_off']} "
        f"({result['cut_off_but_stored']} of them stored anyway), other: "
        f"{result['other_statuses'] or 'none'}\n"
        f"  integrity_check: {result['integrity_check']}; confirmed but missing: "
        f"{result['missing_confirmed']}; confirmed but not readable: "
        f"{result['unreadable_confirmed']}\n"
        f"  {'OK' if result['ok'] else 'FAILED'}"
    )
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(result, indent=2) + "\n")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
