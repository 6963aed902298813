"""`secbot ingest PATH... [--apply] [--json]`: read papers, show what would change, apply it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.commands_cli._entry import cli_services
from storage.db import transaction

if TYPE_CHECKING:
    from storage.changes import ChangeReport
    from storage.ingest import ChangeSet


def _read_all(paths: list[Path]) -> list[tuple[Path, str, ChangeSet]]:
    """Every document read and extracted, oldest first; any unreadable one stops everything."""
    from storage.ingest import UnreadableDocument, extract_path

    read: list[tuple[Path, str, ChangeSet]] = []
    problems: list[str] = []
    for path in paths:
        try:
            checksum = hashlib.sha256(path.read_bytes()).hexdigest()
            read.append((path, checksum, extract_path(path)))
        except UnreadableDocument as exc:
            problems.append(str(exc))
        except OSError as exc:
            problems.append(f"{path}: cannot be read ({exc.strerror or exc}).")
    if problems:
        for problem in problems:
            typer.echo(problem, err=True)
        typer.echo("Nothing was changed.", err=True)
        raise typer.Exit(1)
    return sorted(read, key=lambda item: _document_date(item[2]))


def _document_date(changes: ChangeSet) -> str:
    date = changes.documents[0].date if changes.documents else None
    return date.isoformat() if date else "9999"


def _merged(changesets: list[ChangeSet]) -> ChangeSet:
    from storage.ingest import ChangeSet

    merged = ChangeSet()
    for changes in changesets:
        merged.documents += changes.documents
        merged.modifications += changes.modifications
        merged.releases += changes.releases
        merged.milestones += changes.milestones
        merged.decisions += changes.decisions
    return merged


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="papers: .txt, .pdf, .docx or saved .html")],
    apply: Annotated[bool, typer.Option("--apply", help="write the changes")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print the change set as JSON")] = False,
) -> None:
    """Read SECAS papers; show what would change in the store (a dry run unless --apply)."""
    # Imported here so the rest of the command line starts fast without the PDF and Word readers.
    from storage.change_events import record_applied
    from storage.changes import apply_changeset

    documents = _read_all(paths)
    if as_json:
        typer.echo(json.dumps(_merged([c for _, _, c in documents]).to_json(), indent=2))
        return
    services = cli_services()
    reports: list[ChangeReport] = []
    with transaction(services.sessions) as session:
        for path, checksum, changes in documents:
            report = apply_changeset(
                session, changes, checksum=checksum, path=str(path), dry_run=not apply
            )
            if apply:  # same transaction: `subscribe changes` hears of papers too
                record_applied(session, report, checksum=checksum)
            reports.append(report)
    for report in reports:
        typer.echo("\n".join(report.lines()))
    typer.echo("Applied." if apply else "Dry run: nothing written. Add --apply to write.")


def register(app: typer.Typer) -> None:
    app.command()(ingest)
