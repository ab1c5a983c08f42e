"""Which files a run reads, and with which ingester.

Files unchanged since the last run are skipped without being opened; the others are sniffed.
What cannot be read is said on the run's summary, never dropped silently: names that are not
UTF-8, files gone between being found and being sniffed, formats no ingester recognises (an
error when the file was named on the command line).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from llmfinops.errors import InputError
from llmfinops.ingest import registry
from llmfinops.ingest.manifest import unchanged
from llmfinops.ingest.sources import SourceFile, discover, utf8_named
from llmfinops.ingest.summary import IngestSummary, some_names


def plan_files(
    paths: Iterable[str | os.PathLike[str]],
    manifest: dict[str, dict[str, Any]],
    *,
    source: str | None,
    full: bool,
    summary: IngestSummary,
) -> list[tuple[SourceFile, registry.Ingester]]:
    """The files to read and their ingesters (``source`` forces one; ``full`` reads unchanged
    files too); what is skipped is counted on ``summary``."""
    paths = list(paths)
    files, badly_named = utf8_named(discover(paths))
    explicit = {Path(p).expanduser().resolve() for p in paths if Path(p).expanduser().is_file()}
    forced = registry.get(source) if source else None
    if badly_named:
        summary.warnings.append(
            f"{len(badly_named):,} file(s) skipped: their names are not UTF-8, which the reader cannot "
            f"open; rename them to read them: {some_names(badly_named)}"
        )
    plan: list[tuple[SourceFile, registry.Ingester]] = []
    for src in files:
        if not full and unchanged(manifest.get(src.name), src):
            summary.files_unchanged += 1  # not even sniffed: re-ingesting a folder is a no-op
            continue
        try:
            ingester = forced or registry.detect(src)
        except FileNotFoundError:
            summary.files_vanished.append(src.name)
            continue
        if ingester is None:
            if src.path in explicit:
                raise InputError(
                    f"{src.path}: not a format llmfinops reads (try --source; see `llmfinops sources`)"
                )
            summary.files_unrecognised.append(src.name)
            continue
        plan.append((src, ingester))
    return plan
