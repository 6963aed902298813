"""The worker lock: one active worker per database, any others wait as standbys.

PostgreSQL: a session-level advisory lock, keyed by the schema, held on a connection kept open
for the worker's life; it goes when the process dies (kill -9 included), so a standby takes
over within its poll interval. SQLite: an exclusive ``flock`` on a file next to the database.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Callable
from typing import IO, Protocol

from sqlalchemy import Connection, Engine, text

log = logging.getLogger(__name__)

LOCK_NAME = "secbot.worker"


class WorkerLock(Protocol):
    def try_acquire(self) -> bool: ...

    def held(self) -> bool: ...

    def release(self) -> None: ...


class PostgresLock:
    """pg_try_advisory_lock(hashtext('secbot.worker:' || current_schema()))."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._conn: Connection | None = None

    def try_acquire(self) -> bool:
        if self._conn is None:
            self._conn = self._engine.connect()
        got = self._conn.execute(
            text("SELECT pg_try_advisory_lock(hashtext(:name || ':' || current_schema()))"),
            {"name": LOCK_NAME},
        ).scalar()
        self._conn.commit()  # the lock is the session's; do not sit idle in a transaction
        if not got:
            self._close()
        return bool(got)

    def held(self) -> bool:
        if self._conn is None:
            return False
        try:
            count = self._conn.execute(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                    "AND pid = pg_backend_pid() AND granted"
                )
            ).scalar()
            self._conn.commit()
        except Exception:  # a dropped connection means the lock is gone
            log.exception("worker lock connection lost")
            return False
        return bool(count)

    def release(self) -> None:
        self._close()  # closing the session releases its advisory locks

    def _close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.invalidate()  # never hand a lock-holding session back to the pool
                self._conn.close()
            finally:
                self._conn = None


class FileLock:
    """flock on "<database>.worker.lock" (SQLite files)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._file: IO[str] | None = None

    def try_acquire(self) -> bool:
        handle = open(self.path, "a")  # noqa: SIM115  # held open for the worker's life
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        return True

    def held(self) -> bool:
        return self._file is not None

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class NullLock:
    """An in-memory database lives in one process: nobody to exclude."""

    def __init__(self) -> None:
        self._held = False

    def try_acquire(self) -> bool:
        self._held = True
        return True

    def held(self) -> bool:
        return self._held

    def release(self) -> None:
        self._held = False


def make_lock(engine: Engine) -> WorkerLock:
    if engine.dialect.name == "postgresql":
        return PostgresLock(engine)
    database = engine.url.database
    if not database or database == ":memory:":
        return NullLock()
    return FileLock(os.path.abspath(database) + ".worker.lock")


def wait_for_lock(
    lock: WorkerLock,
    *,
    poll: float,
    timeout: float | None = None,
    stopping: Callable[[], bool] = lambda: False,
    sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """Poll until the lock is ours (True), the timeout passes or we are told to stop (False)."""
    deadline = None if timeout is None else time.monotonic() + timeout
    announced = False
    while not stopping():
        if lock.try_acquire():
            return True
        if not announced:
            log.info("another worker holds the lock; standing by")
            announced = True
        if deadline is not None and time.monotonic() >= deadline:
            return False
        sleep(poll)
    return False
