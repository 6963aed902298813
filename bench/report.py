"""The benchmarks' one table, the machine it ran on, and bench/RESULTS.md."""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


@dataclass
class Table:
    """Rows of (benchmark, case, result, aim, verdict); harness failures kept apart."""

    rows: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    columns: tuple[str, ...] = ("benchmark", "case", "result", "aim", "verdict")

    def add(self, bench: str, case: str, result: str, aim: str = "", verdict: str = "") -> None:
        self.rows.append((bench, case, result, aim, verdict))

    def markdown(self) -> str:
        head = ["| " + " | ".join(self.columns) + " |", "|---" * len(self.columns) + "|"]
        body = [
            "| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in self.rows
        ]
        tail = [f"\nHarness failures: {'; '.join(self.failures)}"] if self.failures else []
        return "\n".join(head + body + tail)


def verdict(ratio: float, aim: float) -> str:
    return "met" if ratio <= aim else f"missed by {ratio / aim:.2f}x"


def machine(postgres_version: str | None) -> str:
    """nproc, memory, Python, PostgreSQL and the date, in one line."""
    memory = "?"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    when = datetime.now(ZoneInfo("Europe/London")).strftime("%Y-%m-%d %H:%M %Z")
    return (
        f"{os.cpu_count()} CPUs ({_nproc()} usable), {memory} memory, Python "
        f"{platform.python_version()}, PostgreSQL {postgres_version or 'unreachable'}, "
        f"SQLite {_sqlite()}, {platform.system()} {platform.release()}, {when}"
    )


def _nproc() -> str:
    try:
        return subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def _sqlite() -> str:
    import sqlite3

    return sqlite3.sqlite_version


def append_results(
    machine_line: str, table: Table, seconds: float, aims: Table | None = None
) -> None:
    """Add this run to bench/RESULTS.md (created with a heading the first time)."""
    heading = (
        ""
        if RESULTS.exists()
        else (
            "# Benchmark results\n\nAppended by `make bench` (`python -m bench`), newest last. "
            "Method and aims: docs/benchmarks.md.\n"
        )
    )
    summary = f"Aims (issue 16):\n\n{aims.markdown()}\n\nEvery figure:\n\n" if aims else ""
    entry = f"\n## {machine_line}\n\nWhole run: {seconds:.0f} s.\n\n{summary}{table.markdown()}\n"
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write(heading + entry)
