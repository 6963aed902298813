"""How well, and how fast, ingestion reads SECAS papers.

Scores ``storage.ingest.extract`` against hand-checked labels (``bench/labels/<seed stem>.yaml``)
and prints precision and recall per field, per paper and overall, then pages per second over the
seed papers and over a 200-page synthetic paper. Exits 1 when reference precision or recall is
below 100% or any other field is below 95% (or the speed is below 50 pages a second).

    python -m bench.ingest_accuracy            # SECBOT_SEEDS=/path/to/seeds to point elsewhere
"""

from __future__ import annotations

import os
import random
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from storage.ingest import ChangeSet, extract, read_document
from storage.ingest.extract_titles import normalise_title
from storage.ingest.readers import make_source

LABELS = Path(__file__).resolve().parent / "labels"
MIN_FIELD = 0.95
MIN_PAGES_PER_SECOND = 50.0
SYNTHETIC_PAGES = 200
FIELDS = (
    "references",
    "titles",
    "stages",
    "document",
    "releases",
    "scope",
    "added",
    "removed",
    "partial",
    "candidates",
    "panel_returns",
    "milestones",
    "decisions",
)

Facts = dict[str, set[tuple[str, ...]]]


def seeds_dir() -> Path:
    default = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
    return Path(os.environ.get("SECBOT_SEEDS") or default)


# --------------------------------------------------------------------------------------------
# Facts as comparable tuples.


def predicted_facts(changes: ChangeSet) -> Facts:
    data = changes.to_json()
    facts: Facts = {name: set() for name in FIELDS}
    for mod in data["modifications"]:
        facts["references"].add((mod["ref"],))
        facts["titles"].add((mod["ref"], normalise_title(mod["title"])))
        if mod["stage"]:
            facts["stages"].add((mod["ref"], mod["stage"]))
    for doc in data["documents"]:
        facts["document"] |= {("date", str(doc["date"])), ("title", normalise_title(doc["title"]))}
    for rel in data["releases"]:
        _release_facts(facts, rel["name"], rel["date"], rel)
        facts["partial"] |= {(rel["name"], item["ref"]) for item in rel["partial"]}
    for item in data["milestones"]:
        _milestone_facts(facts, item["ref"], item["kind"], item["date"], item["precision"])
    # Work owed (a wait with a kind, such as the DCC's Impact Assessment) is not a decision.
    decisions = [d for d in data["decisions"] if d.get("kind", "decision") == "decision"]
    facts["decisions"] = {(d["ref"], d["owner"]) for d in decisions}
    return facts


def labelled_facts(labels: dict[str, Any]) -> Facts:
    facts: Facts = {name: set() for name in FIELDS}
    facts["references"] = {(ref,) for ref in labels.get("references") or ()}
    facts["titles"] = {(r, normalise_title(t)) for r, t in (labels.get("titles") or {}).items()}
    facts["stages"] = {(r, s) for r, s in (labels.get("stages") or {}).items() if s}
    doc = labels.get("document") or {}
    facts["document"] = {("date", str(doc.get("date"))), ("title", normalise_title(doc["title"]))}
    for rel in labels.get("releases") or ():
        date = str(rel["date"]) if rel.get("date") else None
        _release_facts(facts, rel["name"], date, rel)
        facts["partial"] |= {(rel["name"], ref) for ref in rel.get("partial") or ()}
    for ref, kind, when, precision in labels.get("milestones") or ():
        _milestone_facts(facts, ref, kind, str(when), precision)
    facts["decisions"] = {(ref, owner) for ref, owner in labels.get("decisions") or ()}
    return facts


def _release_facts(facts: Facts, name: str, date: str | None, rel: dict[str, Any]) -> None:
    facts["releases"].add((name, str(date)))
    for field in ("added", "removed", "candidates"):
        facts[field] |= {(name, ref) for ref in rel.get(field) or ()}
    facts["scope"] |= {(name, ref) for ref in rel.get("in_scope") or ()}


def _milestone_facts(facts: Facts, ref: str, kind: str, when: str, precision: str) -> None:
    facts["milestones"].add((ref, kind, when, precision))
    if kind == "panel_return":
        facts["panel_returns"].add((ref, when))


# --------------------------------------------------------------------------------------------
# Scores.


@dataclass
class Score:
    hits: int = 0
    predicted: int = 0
    labelled: int = 0

    @property
    def precision(self) -> float:
        return self.hits / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.hits / self.labelled if self.labelled else 1.0

    def add(self, other: Score) -> None:
        self.hits += other.hits
        self.predicted += other.predicted
        self.labelled += other.labelled

    def passes(self, field: str) -> bool:
        floor = 1.0 if field == "references" else MIN_FIELD
        return self.precision >= floor and self.recall >= floor


def score(predicted: Facts, labelled: Facts) -> dict[str, Score]:
    return {
        name: Score(
            len(predicted[name] & labelled[name]), len(predicted[name]), len(labelled[name])
        )
        for name in FIELDS
    }


def misses(predicted: Facts, labelled: Facts) -> list[str]:
    """What differed, to make a failing run easy to read."""
    lines = []
    for name in FIELDS:
        lines += [f"  {name}: extra {item}" for item in sorted(predicted[name] - labelled[name])]
        lines += [f"  {name}: missed {item}" for item in sorted(labelled[name] - predicted[name])]
    return lines


def print_scores(title: str, scores: dict[str, Score]) -> None:
    print(f"\n{title}")
    print(f"  {'field':<14}{'precision':>10}{'recall':>9}   hits/predicted/labelled")
    for name in [field for field in FIELDS if field in scores]:
        s = scores[name]
        mark = "" if s.passes(name) else "   <-- below target"
        print(
            f"  {name:<14}{s.precision:>10.1%}{s.recall:>9.1%}   "
            f"{s.hits}/{s.predicted}/{s.labelled}{mark}"
        )


# --------------------------------------------------------------------------------------------
# Speed, and a synthetic paper to measure it on.


def pages_per_second(run: Callable[[], int], min_seconds: float = 1.0) -> float:
    """Repeat ``run`` (which returns the pages it read) for at least ``min_seconds``."""
    run()  # warm up: imports and caches
    pages, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < min_seconds:
        pages += run()
    return pages / elapsed


_WORDS = [
    "Meter",
    "Alert",
    "Firmware",
    "Register",
    "Tariff",
    "Prepayment",
    "Network",
    "Display",
    "Consumer",
    "Device",
    "Hub",
    "Gateway",
    "Schedule",
    "Billing",
    "Reading",
    "Threshold",
    "Credit",
    "Forecast",
    "Message",
    "Catalogue",
    "Security",
    "Certificate",
    "Switch",
    "Load",
    "Battery",
    "Signal",
    "Profile",
    "Export",
    "Import",
    "Voltage",
    "Outage",
    "Install",
    "Pairing",
    "Quarantine",
]
_MONTHS = "January February March April May June July August September October November December"


@dataclass
class Synthetic:
    pages: list[str]
    facts: Facts


def synthetic_paper(pages: int = SYNTHETIC_PAGES, seed: int = 0) -> Synthetic:
    """A long paper in the seed layouts (own wording), with the facts it was built from."""
    rng = random.Random(seed)
    facts: Facts = {name: set() for name in FIELDS}
    counter = iter(range(200, 10_000))
    body = [_synthetic_page(rng, counter, facts, number) for number in range(1, pages + 1)]
    return Synthetic(body, facts)


def _synthetic_page(rng: random.Random, counter: Iterable[int], facts: Facts, page: int) -> str:
    numbers = iter(counter)
    maker = (_release_page, _narrative_page, _table_page)[page % 3]
    lines = maker(rng, numbers, facts, page)
    return "\n".join([*lines, "", f"Page {page} of {SYNTHETIC_PAGES}", "Administered by"])


def _new_mod(rng: random.Random, numbers: Any, facts: Facts) -> tuple[str, str, str]:
    ref = f"MP{next(numbers)}" + ("A" if rng.random() < 0.08 else "")
    title = " ".join(rng.sample(_WORDS, rng.randint(3, 6)))
    facts["references"].add((ref,))
    facts["titles"].add((ref, normalise_title(title)))
    return ref, title, title.lower().replace(" ", "-")


def _release_page(rng: random.Random, numbers: Any, facts: Facts, page: int) -> list[str]:
    month, year = rng.choice(_MONTHS.split()), 2030 + page // 3
    name = f"{month} {year} SEC Release"
    facts["releases"].add((name, f"{year}-{_MONTHS.split().index(month) + 1:02d}-15"))
    lines = [f"{page}. {name}", "", f"Here is what the {name} on 15 {month} {year} holds:", ""]
    links = []
    for _ in range(rng.randint(4, 7)):
        ref, title, slug = _new_mod(rng, numbers, facts)
        facts["scope"].add((name, ref))
        words = title.split(" ")
        cut = rng.randint(1, len(words) - 1)
        lines += [
            f"{ref} ‘{' '.join(words[:cut])} Approved for inclusion. v",
            f"{' '.join(words[cut:])}’",
            "",
        ]
        links += [f"https://smartenergycodecompany.co.uk/modifications/{slug}/"] * 2
    return [*lines, "Nothing else is expected to join this release.", "", *links]


def _narrative_page(rng: random.Random, numbers: Any, facts: Facts, page: int) -> list[str]:
    lines = [f"{page}. Timetables", ""]
    for _ in range(rng.randint(2, 4)):
        ref, title, _ = _new_mod(rng, numbers, facts)
        month = rng.choice(_MONTHS.split())
        when = f"{2030 + page // 3}-{_MONTHS.split().index(month) + 1:02d}"
        facts["panel_returns"].add((ref, when))
        lines += [
            f"{ref} '{title}'",
            "",
            "The proposer wants a simpler way to handle this, and the DCC has been asked for",
            f"costs. We plan to report back to the Panel at the {month} {2030 + page // 3} "
            "meeting with a timetable for the next piece of work.",
            "",
        ]
    return lines


def _table_page(rng: random.Random, numbers: Any, facts: Facts, page: int) -> list[str]:
    lines = [f"{page}. Open proposals", "", "Reference\tProposal Title\tStatus"]
    for _ in range(rng.randint(6, 12)):
        ref, title, _ = _new_mod(rng, numbers, facts)
        lines.append(f"{ref}\t{title}\t{rng.choice(['Refinement', 'Report Phase'])}")
    return [*lines, "", "Table: proposals still open."]


def synthetic_scores(paper: Synthetic) -> dict[str, Score]:
    """Score only the fields the synthetic paper states."""
    changes = extract(make_source(Path("synthetic.txt"), "text", paper.pages))
    got = predicted_facts(changes)
    stated = {"references", "titles", "releases", "scope", "panel_returns"}
    return {k: v for k, v in score(got, paper.facts).items() if k in stated}


# --------------------------------------------------------------------------------------------
# The run.


def run_seeds(paths: Sequence[Path]) -> tuple[dict[str, Score], bool]:
    overall = {name: Score() for name in FIELDS}
    ok = True
    for path in paths:
        label_file = LABELS / f"{path.stem}.yaml"
        if not label_file.exists():
            print(f"\n{path.name}: no labels at {label_file}; skipped")
            continue
        labels = yaml.safe_load(label_file.read_text(encoding="utf-8"))
        got, want = predicted_facts(extract(read_document(path))), labelled_facts(labels)
        scores = score(got, want)
        print_scores(path.name, scores)
        if not all(s.passes(name) for name, s in scores.items()):
            ok = False
            print("\n".join(misses(got, want)))
        for name, s in scores.items():
            overall[name].add(s)
    return overall, ok


def main(argv: Sequence[str] | None = None) -> int:
    seeds = seeds_dir()
    paths = sorted(seeds.glob("*.txt")) if seeds.is_dir() else []
    ok = True
    if paths:
        overall, ok = run_seeds(paths)
        print_scores("Overall (all seed papers)", overall)
        ok = ok and all(s.passes(name) for name, s in overall.items())
        sources = [read_document(path) for path in paths]
        seed_speed = pages_per_second(
            lambda: sum(len(extract(s).documents) and len(s.pages) for s in sources)
        )
        print(f"\nSpeed over the seed papers: {seed_speed:,.0f} pages/s")
        ok = ok and seed_speed >= MIN_PAGES_PER_SECOND
    else:
        print(f"No seed papers at {seeds}; accuracy not measured (set SECBOT_SEEDS).")
    paper = synthetic_paper()
    synthetic = synthetic_scores(paper)
    print_scores(f"Synthetic {SYNTHETIC_PAGES}-page paper", synthetic)
    ok = ok and all(s.passes(name) for name, s in synthetic.items())
    source = make_source(Path("synthetic.txt"), "text", paper.pages)
    speed = pages_per_second(lambda: len(extract(source).documents) and len(source.pages))
    print(f"Speed over the synthetic {SYNTHETIC_PAGES}-page paper: {speed:,.0f} pages/s")
    ok = ok and speed >= MIN_PAGES_PER_SECOND
    print("\nPASS" if ok else "\nFAIL: below target (see above)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
