"""Counts of the run's unpriced and partly priced calls, taken from the rows as they are written.

Pricing is the costliest step of the commit after the read, and the price flags are only known
once a call is priced: counting them with a query of their own priced every new call a second
time (about a tenth of the ingest). The writer hands each batch of the run's rows here instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

# joins a call's flags into one group key; no flag contains it (flags are 'unpriced:<unit>')
_SEP = "\x1f"


@dataclass
class PriceTally:
    """Unpriced calls by model, partly priced calls by model and by flag."""

    unpriced: dict[str, int] = field(default_factory=dict)
    partially_priced: dict[str, int] = field(default_factory=dict)
    partial_flags: dict[str, int] = field(default_factory=dict)

    def ordered(self) -> PriceTally:
        """The same counts, each table largest first (then by name), as the summary lists them."""

        def by_count(counts: dict[str, int]) -> dict[str, int]:
            return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

        return PriceTally(
            by_count(self.unpriced), by_count(self.partially_priced), by_count(self.partial_flags)
        )

    def add(self, batch: pa.RecordBatch) -> None:
        """Count a batch of newly priced calls (the canonical columns)."""
        source = batch.column("cost_source")
        flags = batch.column("price_flags")
        unpriced = pc.equal(source, "unpriced")
        partial = pc.and_(
            pc.is_in(source, value_set=pa.array(["catalog", "override"])),
            pc.greater(pc.fill_null(pc.list_value_length(flags), 0), 0),
        )
        wanted = pc.fill_null(pc.or_(unpriced, partial), False)
        if not pc.any(wanted).as_py():
            return
        picked = pa.table(
            {
                "model": pc.fill_null(batch.column("model"), "(none)"),
                "unpriced": unpriced,
                "flags": pc.binary_join(pc.fill_null(flags, pa.scalar([], flags.type)), _SEP),
            }
        ).filter(wanted)
        groups = picked.group_by(["model", "unpriced", "flags"]).aggregate([("model", "count")])
        for row in groups.to_pylist():
            model, n = str(row["model"]), int(row["model_count"])
            if row["unpriced"]:
                self.unpriced[model] = self.unpriced.get(model, 0) + n
                continue
            self.partially_priced[model] = self.partially_priced.get(model, 0) + n
            for flag in str(row["flags"]).split(_SEP):
                self.partial_flags[flag] = self.partial_flags.get(flag, 0) + n
