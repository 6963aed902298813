"""Start-up: `secbot ask "status MP159"` as a whole process, against a one-query floor.

The floor is a script that only opens the same database with SQLAlchemy and runs one query (the
modification's title). Both are run as separate processes, alternately (floor, ask, floor, ask,
...) after two warm-up rounds, so the page cache and the machine's load treat them alike. Each
run's wall time is measured around ``Popen`` to ``os.wait4``, which also gives the child's own
CPU (user + system, from its rusage). Figures: the median wall time of each, and the median of
the pairwise ratios (ask ÷ floor of the same round), which cancels slow moments of the machine.

`python -m bench.startup DATABASE_URL` prints the figures.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

AIM = 2.0
ROUNDS = int(os.environ.get("SECBOT_BENCH_STARTUP_ROUNDS", "9"))
WARM_UP = 2
QUESTION = "status MP159"
_FOREIGN_ENV = ("SLACK_", "DATABASE_", "SECBOT_", "TEAMS_", "CLIENT_", "TENANT_")

FLOOR_SCRIPT = """
import sys
from sqlalchemy import create_engine, text
engine = create_engine(sys.argv[1])
with engine.connect() as conn:
    row = conn.execute(text("SELECT title FROM modifications WHERE number = 159")).first()
print(row[0] if row else "-")
"""


@dataclass(frozen=True)
class Run:
    wall_s: float
    cpu_s: float
    code: int


@dataclass(frozen=True)
class StartupFigures:
    ask_wall_s: float
    floor_wall_s: float
    ask_cpu_s: float
    floor_cpu_s: float
    ratio: float  # median of the pairwise ratios
    rounds: int


def run_process(argv: list[str], env: dict[str, str], cwd: str) -> Run:
    """One whole process: wall time from spawn to reaping, and its CPU from rusage."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return Run(wall, usage.ru_utime + usage.ru_stime, proc.returncode)


def _env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_FOREIGN_ENV)}
    # As installed: byte-code cached (the warm-up rounds write it), as site-packages has it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["DATABASE_URL"] = database_url
    return env


def _check_answer(secbot: str, env: dict[str, str], cwd: str) -> None:
    done = subprocess.run(
        [secbot, "ask", QUESTION], env=env, cwd=cwd, capture_output=True, text=True, check=False
    )
    if done.returncode != 0 or "MP159" not in done.stdout:
        raise RuntimeError(f"secbot ask failed ({done.returncode}): {done.stderr[-500:]}")


def measure(database_url: str, rounds: int = ROUNDS) -> StartupFigures:
    secbot = str(Path(sys.executable).with_name("secbot"))
    env = _env(database_url)
    ask = [secbot, "ask", QUESTION]
    floor = [sys.executable, "-c", FLOOR_SCRIPT, database_url]
    with tempfile.TemporaryDirectory() as cwd:  # no stray .env or secbot.db is picked up
        _check_answer(secbot, env, cwd)
        pairs: list[tuple[Run, Run]] = []
        for round_no in range(WARM_UP + rounds):
            first, second = (floor, ask) if round_no % 2 == 0 else (ask, floor)
            a, b = run_process(first, env, cwd), run_process(second, env, cwd)
            pair = (a, b) if first is floor else (b, a)
            if any(run.code != 0 for run in pair):
                raise RuntimeError(f"a start-up run failed: {pair}")
            if round_no >= WARM_UP:
                pairs.append(pair)
    floors, asks = [p[0] for p in pairs], [p[1] for p in pairs]
    return StartupFigures(
        ask_wall_s=statistics.median(r.wall_s for r in asks),
        floor_wall_s=statistics.median(r.wall_s for r in floors),
        ask_cpu_s=statistics.median(r.cpu_s for r in asks),
        floor_cpu_s=statistics.median(r.cpu_s for r in floors),
        ratio=statistics.median(a.wall_s / f.wall_s for f, a in pairs),
        rounds=len(pairs),
    )


def describe(f: StartupFigures) -> str:
    return (
        f"ask {f.ask_wall_s * 1000:.0f} ms (CPU {f.ask_cpu_s * 1000:.0f} ms), floor "
        f"{f.floor_wall_s * 1000:.0f} ms (CPU {f.floor_cpu_s * 1000:.0f} ms), median of "
        f"{f.rounds} pairwise ratios {f.ratio:.2f}x"
    )


if __name__ == "__main__":
    print(describe(measure(sys.argv[1])))
