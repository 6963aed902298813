"""Facts recorded once: decisions taken (outcomes), SEC versions, consultations, candidates."""

from __future__ import annotations

from sqlalchemy import select

from sec.releases import release_title
from sec.timefmt import uk_short_date
from storage.changes.base import Facts
from storage.changes.report import ADD, CONFLICT, KEEP, UPDATE, Event
from storage.fact_models import (
    Consultation,
    Outcome,
    ReleaseCandidate,
    SecVersion,
    SecVersionChange,
)
from storage.ingest import changeset as cs
from storage.models import Modification, Release

# A final decision (approved, rejected, withdrawn) by a body answers the open decisions that
# waited on that body; other results (deferred, sent back) leave them open.
FINAL_RESULTS = ("approved", "rejected", "withdrawn")
_WAIT_OWNERS = {
    "Panel": ("Panel",),
    "CSC": ("CSC",),
    "Authority": ("Authority",),
    "BEIS": ("Authority",),
    "Proposer": ("Proposer",),
}


class RecordRules(Facts):
    def outcome(self, item: cs.Outcome) -> None:
        mod = self.find(item.ref)
        if mod is None:
            self.note(
                CONFLICT, item.ref, "a decision on an unknown modification; skipped", item.source
            )
            return
        stored = self.session.scalars(select(Outcome).where(Outcome.modification == mod))
        if any(
            (o.body, o.result, o.decided_on) == (item.body, item.result, item.date) for o in stored
        ):
            return
        self.session.add(
            Outcome(
                modification=mod,
                body=item.body,
                result=item.result,
                decided_on=item.date,
                text=item.text[:2000],
                as_of=self.as_of,
                document=self.document,
            )
        )
        shown = _outcome_words(item)
        self.note(
            ADD,
            mod.ref,
            f"decision: {shown}",
            item.source,
            Event("decision", ref=mod.ref, after=shown),
        )
        self.close_waits(mod, item)

    def close_waits(self, mod: Modification, item: cs.Outcome) -> None:
        owners = _WAIT_OWNERS.get(item.body, ()) if item.result in FINAL_RESULTS else ()
        day = item.date or self.as_of
        for wait in mod.decisions:
            answered = wait.kind == "decision" and wait.owner in owners and wait.since <= day
            if wait.resolved_on is None and answered:
                wait.resolved_on, wait.resolution = day, _outcome_words(item)
                self.note(UPDATE, mod.ref, f"no longer waiting on the {wait.owner}", item.source)

    def sec_version(self, item: cs.SecVersion) -> None:
        version = self.session.scalar(select(SecVersion).where(SecVersion.number == item.number))
        subject = f"SEC version {item.number}"
        if version is None:
            version = SecVersion(
                number=item.number[:20],
                effective=item.effective,
                text=item.text[:2000],
                as_of=self.as_of,
                document=self.document,
            )
            self.session.add(version)
            when = f", in effect from {uk_short_date(item.effective)}" if item.effective else ""
            self.note(ADD, subject, f"new SEC version{when}", item.source)
        elif item.effective and version.effective != item.effective:
            if version.as_of > self.as_of:
                self.note(KEEP, subject, "effective date kept (newer)", item.source)
            else:
                self.note(
                    UPDATE,
                    subject,
                    f"now in effect from {uk_short_date(item.effective)}",
                    item.source,
                )
                version.effective, version.as_of = item.effective, self.as_of
        for ref in item.implements:
            self.implemented_in(version, ref, item)

    def implemented_in(self, version: SecVersion, ref: str, item: cs.SecVersion) -> None:
        mod = self.find(ref)
        if mod is None:
            self.note(
                CONFLICT, ref, f"in SEC version {version.number} but unknown; skipped", item.source
            )
            return
        if any(link.modification is mod for link in version.implements):
            return
        version.implements.append(
            SecVersionChange(modification=mod, as_of=self.as_of, document=self.document)
        )
        self.note(ADD, mod.ref, f"implemented by SEC version {version.number}", item.source)

    def consultation(self, item: cs.Consultation) -> None:
        mod = self.find(item.ref) if item.ref else None
        title = " ".join(item.title.split())[:300]
        found = self.session.scalars(select(Consultation).where(Consultation.title == title)).all()
        if any(c.closes == item.closes for c in found):
            return
        newer = [c for c in found if c.as_of > self.as_of]
        if newer:
            self.note(KEEP, title, "closing date kept (newer)", item.source)
            return
        for old in found:
            self.note(
                UPDATE,
                title,
                f"now closes {uk_short_date(item.closes)} (was {uk_short_date(old.closes)})",
                item.source,
            )
            old.closes, old.as_of, old.document = item.closes, self.as_of, self.document
            return
        self.session.add(
            Consultation(
                title=title,
                modification=mod,
                opens=item.opens,
                closes=item.closes,
                respond_to=item.respond_to,
                how=item.how,
                as_of=self.as_of,
                document=self.document,
            )
        )
        self.note(
            ADD,
            item.ref or title,
            f"consultation closing {uk_short_date(item.closes)}",
            item.source,
        )

    def candidate(self, release: Release, ref: str, note: str | None, source: cs.SourcePos) -> None:
        """A modification named as a candidate for a release: not scope, kept on its own."""
        mod = self.find(ref)
        if mod is None:
            self.note(CONFLICT, ref, f"a {release.name} candidate but unknown; skipped", source)
            return
        title = release_title(release.name)
        stored = self.session.scalar(
            select(ReleaseCandidate).where(
                ReleaseCandidate.release == release, ReleaseCandidate.modification == mod
            )
        )
        if stored is not None:
            if stored.note != note and stored.as_of <= self.as_of:
                stored.note, stored.as_of, stored.document = note, self.as_of, self.document
                self.note(UPDATE, mod.ref, f"candidate for {title}: {note}", source)
            return
        self.session.add(
            ReleaseCandidate(
                release=release,
                modification=mod,
                note=note,
                as_of=self.as_of,
                document=self.document,
            )
        )
        self.note(ADD, mod.ref, f"candidate for {title}", source)
        if mod.target_release is None:
            mod.target_release = release


def _outcome_words(item: cs.Outcome) -> str:
    when = f" on {uk_short_date(item.date)}" if item.date else ""
    return f"{item.result} by the {item.body}{when}"
