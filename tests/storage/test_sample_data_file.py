"""The bundled sample data file, read as plain YAML (no database): shape, facts and wording."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from sec.lifecycle import DecisionPath, MilestoneKind, Owner, ScopeState, Stage
from sec.references import canonical, find_refs, unique_refs

REPO = Path(__file__).parents[2]
SAMPLE = REPO / "storage" / "sample_data" / "sample.yaml"
SEEDS = REPO.parent / "shared" / "seeds"

DOC_KINDS = {"panel_update", "panel_paper", "csc_paper"}
PRECISIONS = {"day", "early", "mid", "late", "month"}
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONTH = re.compile(r"^\d{4}-\d{2}$")
RELEASE_NAME = re.compile(
    r"^(January|February|March|April|May|June|July|August|September|October|November|December)"
    r" \d{4}$"
)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A 2021 table cell interleaves the title with the next column; that column adds at least
# "Approved for inclusion" (three words), so smaller differences are real title differences.
MIN_NOISE = 3
# Where the latest paper's own wording of a title is unusable, with the reason. Each entry must
# really fail against the latest paper (checked below), so the list cannot go stale.
KNOWN_VARIANTS = {
    "SECMP0007": "2021 table says 'Firmware update' (singular); 2019 paper and the web slug agree",
    "SECMP0015": "2021 table OCR reads 'GPE fumestamp'; the 2017 and 2019 papers read 'GPF'",
}
# Quoted once without a closing quote in the OCR, so no title can be read for it.
UNREADABLE_TITLES = {"MP141"}


@cache
def sample() -> dict[str, Any]:
    return yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))


def mods() -> list[dict[str, Any]]:
    return sample()["modifications"]


def mod(ref: str) -> dict[str, Any]:
    return next(item for item in mods() if item["ref"] == ref)


def release(name: str) -> dict[str, Any]:
    return next(item for item in sample()["releases"] if item["name"] == name)


def doc_dates() -> dict[str, date]:
    return {doc["key"]: doc["date"] for doc in sample()["documents"]}


def derive_slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def valid_dated(value: Any, precision: Any) -> bool:
    """A "YYYY-MM-DD" string with day precision, or "YYYY-MM" with a coarser one."""
    if not isinstance(value, str) or precision not in PRECISIONS:
        return False
    if precision == "day":
        return bool(DAY.match(value)) and date.fromisoformat(value) is not None
    return bool(MONTH.match(value)) and 1 <= int(value[5:]) <= 12


# ---------------------------------------------------------------- shape


def test_top_level_sections_and_counts() -> None:
    assert set(sample()) == {"documents", "releases", "modifications"}
    assert len(sample()["documents"]) == 3
    assert len(mods()) >= 60


def test_documents_are_well_formed() -> None:
    keys = [doc["key"] for doc in sample()["documents"]]
    assert len(keys) == len(set(keys))
    for doc in sample()["documents"]:
        assert doc["kind"] in DOC_KINDS
        assert isinstance(doc["date"], date)
        assert doc["name"].strip()
        assert doc["seed"].endswith(".txt")


def test_refs_are_canonical_and_unique() -> None:
    refs = [item["ref"] for item in mods()]
    assert [ref for ref in refs if canonical(ref) != ref] == []
    assert len(refs) == len(set(refs))


def test_modification_fields_are_valid() -> None:
    releases = {item["name"] for item in sample()["releases"]}
    paths = {path.value for path in DecisionPath}
    for item in mods():
        assert item["title"].strip() == item["title"] != ""
        assert SLUG.match(item["slug"]), item["ref"]
        assert item.get("path", "path3") in paths
        assert item.get("dcc_impact", False) in (True, False)
        assert item.get("target_release", "November 2021") in releases, item["ref"]


def test_slugs_are_unique_and_derived_ones_follow_the_title() -> None:
    slugs = [item["slug"] for item in mods()]
    assert len(slugs) == len(set(slugs))
    for item in mods():
        if item.get("slug_derived"):
            assert item["slug"] == derive_slug(item["title"]), item["ref"]


def test_history_is_ordered_and_dated_by_its_paper() -> None:
    dates = doc_dates()
    stages = {stage.value for stage in Stage}
    for item in mods():
        history = item["history"]
        assert history, item["ref"]
        assert [entry["as_of"] for entry in history] == sorted(e["as_of"] for e in history)
        for entry in history:
            assert entry["stage"] in stages, item["ref"]
            assert entry["as_of"] == dates[entry["doc"]], item["ref"]
            assert entry["status"].strip(), item["ref"]


def test_milestones_are_valid() -> None:
    kinds = {kind.value for kind in MilestoneKind}
    for item in mods():
        for milestone in item.get("milestones", []):
            assert milestone["kind"] in kinds, item["ref"]
            assert milestone["doc"] in doc_dates(), item["ref"]
            assert valid_dated(milestone["date"], milestone["precision"]), milestone
            assert milestone["text"].strip()


def test_decisions_are_valid() -> None:
    owners = {owner.value for owner in Owner}
    for item in mods():
        for decision in item.get("decisions", []):
            assert decision["owner"] in owners, item["ref"]
            assert decision["since"] == doc_dates()[decision["doc"]], item["ref"]
            assert decision["resolved"] in (True, False)
            assert decision["what"].strip()
            if "due" in decision:
                assert valid_dated(decision["due"], decision["due_precision"]), decision


def test_releases_are_valid() -> None:
    refs = {item["ref"] for item in mods()}
    states = {state.value for state in ScopeState}
    names = [item["name"] for item in sample()["releases"]]
    assert len(names) == len(set(names))
    for item in sample()["releases"]:
        assert RELEASE_NAME.match(item["name"])
        assert isinstance(item["go_live"], date)
        assert item["go_live"].strftime("%B %Y") == item["name"]
        assert item["doc"] in doc_dates()
        scope_refs = [entry["ref"] for entry in item["scope"]]
        assert len(scope_refs) == len(set(scope_refs)), item["name"]
        for entry in item["scope"]:
            assert entry["ref"] in refs
            assert entry["state"] in states
            assert entry.get("added", False) in (True, False)


def test_targets_agree_with_release_scopes() -> None:
    for item in mods():
        if "target_release" not in item:
            continue
        scope = {e["ref"]: e["state"] for e in release(item["target_release"])["scope"]}
        assert scope.get(item["ref"]) in {"in_scope", "partial"}, item["ref"]
    for rel in sample()["releases"]:
        for entry in rel["scope"]:
            if entry["state"] == "in_scope":
                assert mod(entry["ref"]).get("target_release") == rel["name"], entry["ref"]


# ---------------------------------------------------------------- release and status facts


def scope_of(name: str, state: str) -> set[str]:
    return {entry["ref"] for entry in release(name)["scope"] if entry["state"] == state}


def test_release_dates() -> None:
    go_lives = {item["name"]: item["go_live"] for item in sample()["releases"]}
    assert go_lives == {
        "November 2019": date(2019, 11, 29),
        "November 2021": date(2021, 11, 4),
        "February 2022": date(2022, 2, 24),
        "June 2022": date(2022, 6, 30),
        "November 2022": date(2022, 11, 3),
    }


def test_release_scopes() -> None:
    assert len(scope_of("November 2021", "in_scope")) == 11
    assert len(release("November 2022")["scope"]) == 7
    assert scope_of("November 2022", "partial") == {"SECMP0015"}
    assert scope_of("June 2022", "partial") == {"SECMP0015"}
    assert scope_of("June 2022", "in_scope") == {"SECMP0024", "MP104"}
    assert scope_of("February 2022", "removed") == {"MP154"}
    assert len(scope_of("February 2022", "in_scope")) == 7
    added = {e["ref"] for e in release("February 2022")["scope"] if e.get("added")}
    assert added == {"MP128B"}
    assert scope_of("November 2019", "in_scope") == {"SECMP0053", "SECMP0062"}
    assert mod("MP159")["target_release"] == "February 2022"
    assert "target_release" not in mod("MP154")


def test_key_stages() -> None:
    def last_stage(ref: str) -> str:
        return mod(ref)["history"][-1]["stage"]

    assert last_stage("SECMP0026") == last_stage("SECMP0016") == "implemented"
    assert last_stage("SECMP0049") == "implemented"
    assert last_stage("DP173") == "draft"
    assert last_stage("SECMP0028") == last_stage("SECMP0012") == "on_hold"
    assert last_stage("SECMP0033") == "report"
    assert last_stage("SECMP0031") == "submitted"
    assert mod("SECMP0007")["history"][-1]["stage"] == "approved"


def test_required_decisions_wait_on_the_proposer() -> None:
    expected = {
        "MP107": date(2021, 9, 21),
        "SECMP0007": date(2019, 3, 8),
        "SECMP0028": date(2019, 3, 8),
        "SECMP0012": date(2019, 3, 8),
        "SECMP0032": date(2019, 3, 8),
        "SECMP0037": date(2019, 3, 8),
        "SECMP0038": date(2019, 3, 8),
    }
    for ref, since in expected.items():
        owners = {(d["owner"], d["since"]) for d in mod(ref).get("decisions", [])}
        assert ("Proposer", since) in owners, ref


# ---------------------------------------------------------------- against the seed papers

needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not present")


@cache
def seed_texts() -> dict[str, tuple[date, str]]:
    """Seed text by document key, with the paper's date."""
    return {
        doc["key"]: (doc["date"], (SEEDS / doc["seed"]).read_text(encoding="utf-8"))
        for doc in sample()["documents"]
    }


@needs_seeds
def test_every_seed_file_is_a_document() -> None:
    seeds = {doc["seed"] for doc in sample()["documents"]}
    assert {path.name for path in SEEDS.glob("*.txt")} == seeds


@needs_seeds
def test_every_seed_reference_is_in_the_sample() -> None:
    refs = {item["ref"] for item in mods()}
    for key, (_, text) in seed_texts().items():
        missing = {ref.canonical for ref in unique_refs(text)} - refs
        assert missing == set(), key


@needs_seeds
def test_history_has_one_entry_per_paper_that_mentions_it() -> None:
    mentioned: dict[str, set[str]] = {}
    for key, (_, text) in seed_texts().items():
        for ref in unique_refs(text):
            mentioned.setdefault(ref.canonical, set()).add(key)
    for item in mods():
        docs = [entry["doc"] for entry in item["history"]]
        assert sorted(docs) == sorted(mentioned[item["ref"]]), item["ref"]


@needs_seeds
def test_listed_slugs_are_the_papers_links() -> None:
    links = set()
    for _, text in seed_texts().values():
        links |= set(re.findall(r"/modifications/([a-z0-9-]+)/?", text))
    for item in mods():
        if not item.get("slug_derived"):
            assert item["slug"] in links, item["ref"]
    assert links <= {item["slug"] for item in mods()}
