"""Read an uploaded paper in a child process, with a deadline and a memory ceiling.

The readers bound what they unpack and how many pages and characters they take
(storage.ingest.bounds), but a crafted file can still make a parser slow or hungry; in the web
process that would hold a thread and the memory of everyone's requests. So chat ingestion reads
and extracts in a child process (forked from a clean fork server, so no copy of the web process's
threads or connections) limited to READ_MEMORY_BYTES of address space, and kills it at the
deadline. Every
way it can fail ends in ``UnreadableDocument`` with a message for the person who sent the file.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import resource
import threading
from datetime import date
from multiprocessing.connection import Connection
from typing import Any

from storage.ingest import UnreadableDocument
from storage.ingest.changeset import ChangeSet

READ_DEADLINE_SECONDS = 60.0
READ_MEMORY_BYTES = 1_500_000_000
# A fork server: started once, clean (not a fork of the threaded web process), with the readers
# imported, so each paper's child is a quick fork of it rather than a fresh interpreter.
_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["storage.pending_ingests", "pypdf", "docx"])


def warm_up() -> None:
    """Start the fork server in the background (it imports the readers: seconds, once)."""
    threading.Thread(
        target=multiprocessing.forkserver.ensure_running, name="secbot-forkserver", daemon=True
    ).start()


def _child(conn: Connection, data: bytes, file_name: str, today: date, memory: int) -> None:
    """In the child: cap memory, read, and send back the change set or the refusal."""
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    result: tuple[str, Any]
    try:
        from storage.pending_ingests import read_upload

        result = ("ok", read_upload(data, file_name=file_name, today=today))
    except UnreadableDocument as exc:
        result = ("refused", str(exc))
    except MemoryError:
        result = ("memory", "")
    except Exception as exc:  # a parser's own failure on damaged input
        result = ("failed", type(exc).__name__)
    conn.send(result)
    conn.close()


def read_bounded(
    data: bytes,
    *,
    file_name: str,
    today: date,
    deadline: float = READ_DEADLINE_SECONDS,
    memory: int = READ_MEMORY_BYTES,
) -> ChangeSet:
    """The change set a file yields, read in a child process; UnreadableDocument otherwise."""
    parent, child = _CONTEXT.Pipe(duplex=False)
    process = _CONTEXT.Process(
        target=_child, args=(child, data, file_name, today, memory), daemon=True
    )
    process.start()
    child.close()
    try:
        if not parent.poll(deadline):
            raise UnreadableDocument(
                f"{file_name} took more than {deadline:.0f} seconds to read, far longer than a "
                "SEC paper needs; I stopped. Nothing was stored or changed"
            )
        outcome, value = parent.recv()
    except EOFError:  # the child died: the memory ceiling, or a crash in a parser
        outcome, value = "memory", ""
    finally:
        parent.close()
        if process.is_alive():
            process.kill()
        process.join(5)
    return _outcome(outcome, value, file_name, memory)


def _outcome(outcome: str, value: Any, file_name: str, memory: int) -> ChangeSet:
    if outcome == "ok":
        return value
    if outcome == "refused":
        raise UnreadableDocument(str(value))
    if outcome == "memory":
        raise UnreadableDocument(
            f"reading {file_name} stopped: it needed more than {memory / 1e9:.1f} GB of memory "
            "(far more than a SEC paper needs) or crashed the reader. Nothing was stored or changed"
        )
    raise UnreadableDocument(
        f"{file_name} is damaged and cannot be read ({value}); get a fresh copy"
    )
