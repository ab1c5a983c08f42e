"""What one ingest run did, for the CLI's summary and for library callers."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class IngestSummary:
    files_read: int = 0
    files_unchanged: int = 0
    files_unrecognised: list[str] = field(default_factory=list)
    files_vanished: list[str] = field(default_factory=list)  # gone before they could be read
    records_read: int = 0
    stored: int = 0
    duplicates: int = 0
    quarantined: dict[str, int] = field(default_factory=dict)
    quarantine_examples: list[tuple[str, int, str]] = field(default_factory=list)
    unpriced: dict[str, int] = field(default_factory=dict)
    # Calls priced only in part (a unit no price covers, left out of cost_usd), by model and by flag.
    partially_priced: dict[str, int] = field(default_factory=dict)
    partial_flags: dict[str, int] = field(default_factory=dict)
    # With --full: stored calls read again (among the duplicates), whose stored copy was re-written
    # from the new reading.
    replaced: int = 0
    stale_priced_rows: int = 0
    warnings: list[str] = field(default_factory=list)
    generation: Path | None = None
    # Rows read into each aggregated table (usage_buckets, billed_costs), before de-duplication.
    aggregate_rows: dict[str, int] = field(default_factory=dict)

    @property
    def quarantined_total(self) -> int:
        return sum(self.quarantined.values())


def some_names(names: list[str]) -> str:
    """The first few of ``names``, for a one-line message."""
    return ", ".join(names[:3]) + (" ..." if len(names) > 3 else "")


def note_skipped(summary: IngestSummary) -> IngestSummary:
    """The warning for files that were gone before they could be read, when there were any."""
    if summary.files_vanished:
        summary.warnings.append(
            f"{len(summary.files_vanished):,} file(s) were gone before they could be read (moved or "
            f"deleted during the run, as log rotation does; read under their new names next run): "
            f"{some_names(summary.files_vanished)}"
        )
    return summary
