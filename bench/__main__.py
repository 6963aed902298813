"""`python -m bench`: every benchmark, one after another (make bench)."""

from __future__ import annotations

import sys

from bench import ingest_accuracy


def main() -> int:
    results = [ingest_accuracy.main()]
    return max(results)


if __name__ == "__main__":
    sys.exit(main())
