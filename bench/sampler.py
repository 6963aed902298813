"""A sampling profiler for the web process under benchmark (every thread, not only the main one).

``BENCH_PROFILE=FILE python -m bench.serve_app real ...`` samples every thread's stack every
2 ms and, every 2 s and at exit, writes the functions seen most (own and inclusive) to FILE.PID.
cProfile sees only the thread that started it; Bolt answers in its own threads.
"""

from __future__ import annotations

import atexit
import collections
import sys
import threading
import time
from pathlib import Path
from types import FrameType

INTERVAL = 0.002


def start(path: str) -> None:
    own: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    stop = threading.Event()

    def sample() -> None:
        written, me = time.monotonic(), threading.get_ident()
        while not stop.is_set():
            if time.monotonic() - written > 2:  # uvicorn re-raises SIGTERM: atexit may not run
                write()
                written = time.monotonic()
            for ident, top in sys._current_frames().items():
                if ident == me:
                    continue
                seen: set[str] = set()
                first = True
                frame: FrameType | None = top
                while frame is not None:
                    code = frame.f_code
                    name = f"{code.co_filename.split('site-packages/')[-1]}:{code.co_name}"
                    if first:
                        own[name] += 1
                        first = False
                    if name not in seen:
                        inclusive[name] += 1
                        seen.add(name)
                    frame = frame.f_back
            time.sleep(INTERVAL)

    def write() -> None:
        lines = ["# own"] + [f"{n:7d} {name}" for name, n in own.most_common(60)]
        lines += ["# inclusive"] + [f"{n:7d} {name}" for name, n in inclusive.most_common(120)]
        Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")

    thread = threading.Thread(target=sample, name="bench-sampler", daemon=True)
    thread.start()

    def finish() -> None:
        stop.set()
        write()

    atexit.register(finish)
