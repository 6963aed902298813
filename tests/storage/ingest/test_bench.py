"""The accuracy benchmark's scoring and its synthetic paper."""

from __future__ import annotations

from pathlib import Path

import yaml

from bench.ingest_accuracy import (
    LABELS,
    Score,
    labelled_facts,
    predicted_facts,
    score,
    synthetic_paper,
    synthetic_scores,
)
from tests.storage.ingest.conftest import seed, seed_path


def test_score_arithmetic() -> None:
    s = Score(hits=19, predicted=20, labelled=19)
    assert (s.precision, s.recall) == (0.95, 1.0)
    assert s.passes("titles") and not s.passes("references")
    assert Score().precision == 1.0 and Score().recall == 1.0


def test_every_seed_has_labels_and_meets_its_targets() -> None:
    for prefix in ("002", "003", "004"):
        path = seed_path(prefix)
        labels = yaml.safe_load((LABELS / f"{path.stem}.yaml").read_text(encoding="utf-8"))
        scores = score(predicted_facts(seed(prefix)[1]), labelled_facts(labels))
        assert all(s.passes(name) for name, s in scores.items()), (prefix, scores)


def test_synthetic_paper_is_read_back() -> None:
    paper = synthetic_paper(pages=12, seed=3)
    assert len(paper.pages) == 12
    scores = synthetic_scores(paper)
    assert all(s.passes(name) for name, s in scores.items()), scores
    assert scores["references"].labelled > 50


def test_labels_are_in_the_package() -> None:
    assert sorted(p.name for p in Path(LABELS).glob("*.yaml")) == [
        "002_999ec45b7f28a81f.yaml",
        "003_4dd778bd1dd047fe.yaml",
        "004_4b7e66cb435d1243.yaml",
    ]
