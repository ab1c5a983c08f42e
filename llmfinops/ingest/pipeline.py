"""``ingest``: files → staged canonical rows → enriched, de-duplicated, priced → a new store generation.

Stages, each in DuckDB over Arrow/Parquet (no Python loop over records):
1. read: each file's ingester streams its records into staging Parquet (bounded memory);
2. prepare: find the run's duplicate copies (``queries/ingest_duplicates.sql``), then enrich from
   the config and mark duplicates (``queries/ingest_prepare.sql``) as a view over the staging;
3. price: one range join against the flattened catalog (``queries/price_calls.sql``);
4. commit: a new generation, published atomically (``llmfinops.store.writer``).
"""

from __future__ import annotations

import functools
import os
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from datetime import UTC, datetime
from importlib import import_module
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from llmfinops import schema, sqlfiles
from llmfinops.config import Config
from llmfinops.errors import InputError
from llmfinops.ingest import registry
from llmfinops.ingest.batching import SmallFiles, batchable
from llmfinops.ingest.context import FileProgress, ReadContext
from llmfinops.ingest.lines import LineLimits
from llmfinops.ingest.manifest import manifest_row, manifest_table, read_manifest, resume_point
from llmfinops.ingest.planning import plan_files
from llmfinops.ingest.price_tally import PriceTally
from llmfinops.ingest.sources import SourceFile
from llmfinops.ingest.summary import IngestSummary, note_skipped
from llmfinops.pricing import modifiers as price_modifiers
from llmfinops.store import catalog as store_catalog
from llmfinops.store import compat
from llmfinops.store.layout import PRICES_FILE, Warehouse
from llmfinops.store.writer import SideTables, write_generation

ProgressFn = Callable[[int, int], None]  # (bytes done, bytes total)


def new_run_id() -> str:
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + "-" + secrets.token_hex(3)


def ingest_paths(
    wh: Warehouse,
    paths: Iterable[str | os.PathLike[str]],
    *,
    config: Config | None = None,
    source: str | None = None,
    full: bool = False,
    progress: ProgressFn | None = None,
    memory_limit: str = "1GB",
) -> IngestSummary:
    """Ingest files and directories into the warehouse; see the module docstring for the stages."""
    config = config or Config()
    summary = IngestSummary()
    with wh.writer_lock():
        manifest = read_manifest(wh.current_generation())
        plan = plan_files(paths, manifest, source=source, full=full, summary=summary)
        if not plan:
            return note_skipped(summary)
        # Pricing needs genai-prices' catalog (~0.3 s of imports): loaded while the files are read.
        threading.Thread(target=import_module, args=("llmfinops.pricing.catalog",), daemon=True).start()
        run_id = new_run_id()
        staging = wh.staging_dir / run_id
        staging.mkdir(parents=True)
        con = _ingest_connection(staging, memory_limit)
        try:
            _ingest_locked(wh, con, plan, staging, run_id, config, full, progress, summary)
        finally:
            con.close()
            shutil.rmtree(wh.staging_dir, ignore_errors=True)
        if config.publish_iceberg and wh.exists():
            from llmfinops.iceberg import sync_after_ingest

            warning = sync_after_ingest(
                wh, config.publish_iceberg, config.publish_table, data_uri=config.publish_data_uri
            )
            if warning:
                summary.warnings.append(warning)
    return note_skipped(summary)


def _ingest_connection(staging: Path, memory_limit: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET memory_limit = $m", {"m": memory_limit})
    con.execute("SET temp_directory = $t", {"t": str(staging / "spill")})
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")  # ours is the one on the terminal
    sqlfiles.execute_script(con, "token_rules")
    sqlfiles.execute_script(con, "ingest_macros")
    sqlfiles.install_price_macros(con)
    return con


def _ingest_locked(
    wh: Warehouse,
    con: duckdb.DuckDBPyConnection,
    plan: list[tuple[SourceFile, registry.Ingester]],
    staging: Path,
    run_id: str,
    config: Config,
    full: bool,
    progress: ProgressFn | None,
    summary: IngestSummary,
) -> None:
    current = wh.current_generation()
    had_data = bool(wh.day_files(current))
    manifest = read_manifest(current)
    total_bytes = sum(src.size for src, _ in plan)
    done = 0

    def on_bytes(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(min(done, total_bytes), total_bytes)

    new_manifest = dict(manifest)
    limits = LineLimits(max_line_mb=config.max_line_mb, max_depth=config.max_depth)
    small = SmallFiles(con, staging, on_bytes, limits)
    batched: list[tuple[SourceFile, str, FileProgress]] = []
    read_on_from: dict[str, int] = {}
    for seq, (src, ingester) in enumerate(plan):
        start_offset, start_line = 0, 0
        resume = None if full else resume_point(manifest.get(src.name), src, ingester)
        if resume is not None:
            start_offset, start_line = resume
            read_on_from[src.name] = start_line
            on_bytes(start_offset)
        if batchable(ingester, src):
            # how far it was read is known once the batch is staged (small.flush below)
            read = small.add(src, seq, ingester, start_offset=start_offset, start_line=start_line)
            batched.append((src, ingester.name, read))
            summary.files_read += 1
            continue
        ctx = ReadContext(
            con=con,
            staging_dir=staging,
            file_seq=seq,
            source=ingester.name,
            start_offset=start_offset,
            start_line=start_line,
            on_bytes=on_bytes,
            progress=FileProgress(bytes_read=start_offset, lines_read=start_line),
            limits=limits,
        )
        try:
            ingester.read(src, ctx)
        except (FileNotFoundError, duckdb.IOException):
            if src.path.exists():
                raise
            for part in staging.glob(f"f{seq:06d}-*.parquet"):
                part.unlink()  # an open file reads to its end: only a file gone unopened is lost
            summary.files_vanished.append(src.name)
            continue
        summary.files_read += 1
        for name, n in ctx.progress.side_rows.items():
            summary.aggregate_rows[name] = summary.aggregate_rows.get(name, 0) + n
        new_manifest[src.name] = manifest_row(src, ingester.name, ctx.progress)
    small.flush()
    for src, name, read in batched:
        if read.vanished:
            summary.files_vanished.append(src.name)
            summary.files_read -= 1
        else:
            new_manifest[src.name] = manifest_row(src, name, read)

    staged_files = sorted(str(p) for p in staging.glob("f*.parquet"))
    # Views cannot hold bound parameters; the globs are our own staging paths.
    aggregates: dict[str, str] = {}
    for name in schema.SIDE_TABLES:
        if any(staging.glob(f"{name}-f*.parquet")):
            glob = f"{_q(staging)}/{name}-f*.parquet"
            con.execute(f"CREATE TEMP VIEW new_{name} AS SELECT * FROM read_parquet('{glob}')")
            aggregates[name] = f"new_{name}"
    commit = functools.partial(
        _commit, wh, con, run_id, config, summary, new_manifest, had_data, read_on_from=read_on_from
    )
    if not staged_files and not aggregates:
        if new_manifest != manifest and current is not None:
            commit(staged=False)
        return
    if staged_files:
        con.execute(
            f"CREATE TEMP VIEW staged AS SELECT * FROM read_parquet('{_q(staging)}/f*.parquet', "
            "filename = true, file_row_number = true)"
        )
    with store_catalog.catalog_draft(wh) as draft:
        commit(staged=bool(staged_files), aggregates=aggregates, replace=full, catalog=draft)


def _commit(
    wh: Warehouse,
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    config: Config,
    summary: IngestSummary,
    manifest: dict[str, dict],
    had_data: bool,
    *,
    staged: bool,
    aggregates: dict[str, str] | None = None,
    replace: bool = False,
    catalog: Future[duckdb.DuckDBPyConnection | None] | None = None,
    read_on_from: dict[str, int] | None = None,
) -> None:
    current = wh.current_generation()
    existing_files = [str(f) for files in wh.day_files(current).values() for f in files]
    notice = compat.upgrade_notice(wh.root, [Path(f) for f in existing_files])
    if notice:
        summary.warnings.append(notice)
    _register_dimensions(con, config)
    tally = PriceTally()
    days: list[str] | None = None
    if not staged:
        con.execute(f"CREATE TEMP VIEW new_calls AS {schema.empty_calls_sql()}")
        prices = None
        quarantine = None
    else:
        if existing_files:
            # Only the stored ids this run could collide with: memory follows the run, not the store.
            con.execute(
                "CREATE TEMP TABLE existing_ids AS SELECT DISTINCT call_id FROM read_parquet($f) "
                "WHERE call_id IN (SELECT call_id FROM staged WHERE reason IS NULL)",
                {"f": existing_files},
            )
        else:
            con.execute("CREATE TEMP TABLE existing_ids (call_id VARCHAR)")
        # Only the duplicates are materialised; the prepared rows stay a view, so the staged
        # Parquet is read once more for the write instead of being copied first.
        con.execute(f"CREATE TEMP TABLE run_duplicates AS {sqlfiles.load('ingest_duplicates')}")
        con.execute(f"CREATE TEMP VIEW prepared AS {sqlfiles.load('ingest_prepare')}")
        pairs = _model_pairs(con, current)
        prices = _price_catalog().build_price_table(pairs, config)
        con.register("price_table", prices)
        con.register("modifier_rows", price_modifiers.modifier_table(pairs, config.modifiers))
        # --full: a call read again replaces its stored copy (still one row per call_id), so what a
        # newer release reads (new columns, corrected rules) reaches the days stored before it
        keep = "NOT dup_in_run" if replace else "NOT dup_in_run AND NOT dup_in_store"
        con.execute(f"CREATE TEMP VIEW unpriced AS SELECT * FROM prepared WHERE {keep}")
        con.execute(f"CREATE TEMP VIEW new_calls AS {sqlfiles.load('price_calls')}")
        run_at = datetime.now(UTC)
        con.execute(
            "CREATE TEMP TABLE new_quarantine AS SELECT source_file, line_no AS line, source, reason, "
            "$run_at::TIMESTAMPTZ AS run_at FROM staged WHERE reason IS NOT NULL",
            {"run_at": run_at},
        )
        quarantine = "new_quarantine"
        _count(con, summary, replace=replace)
        # a call's day is its ts's: read from the unpriced rows, the priced view is run once
        days = [str(r[0]) for r in con.execute("SELECT DISTINCT CAST(ts AS DATE) FROM unpriced").fetchall()]

    files_table = manifest_table(manifest)
    summary.generation = write_generation(
        wh,
        con,
        run_id=run_id,
        side=SideTables(
            prices=prices,
            files=files_table,
            quarantine_relation=quarantine,
            aggregates=aggregates or {},
            read_on_from=read_on_from or {},
        ),
        replace_ids=replace and staged,
        days=days,
        on_new_rows=tally.add,
    )
    counted = tally.ordered()
    summary.unpriced, summary.partially_priced = counted.unpriced, counted.partially_priced
    summary.partial_flags = counted.partial_flags
    # a store that was empty holds only this run's rows, priced with the current catalog
    summary.stale_priced_rows = _stale_rows(wh, config) if had_data else 0
    if summary.stale_priced_rows:
        summary.warnings.append(
            f"{summary.stale_priced_rows:,} stored calls were priced with another catalog or override set; "
            "run `llmfinops reprice` to re-price history"
        )
    # a drafted file is new, so not current (and asking would open it beside the draft)
    if catalog is not None or not store_catalog.catalog_is_current(wh, had_data):
        why = store_catalog.refresh_catalog(wh, catalog)
        if why:
            summary.warnings.append(why)


def _count(con: duckdb.DuckDBPyConnection, summary: IngestSummary, *, replace: bool = False) -> None:
    row = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE dup_in_run OR dup_in_store), "
        "count(*) FILTER (WHERE dup_in_store AND NOT dup_in_run) FROM prepared"
    ).fetchall()
    usable, dups = int(row[0][0]), int(row[0][1])
    if replace:  # copies already stored: counted as duplicates (nothing new), and re-written
        summary.replaced = int(row[0][2])
    reasons = con.execute(
        "SELECT reason, count(*) FROM new_quarantine GROUP BY reason ORDER BY count(*) DESC, reason"
    ).fetchall()
    summary.quarantined = {str(r): int(n) for r, n in reasons}
    summary.quarantine_examples = [
        (str(f), int(line), str(reason))
        for f, line, reason in con.execute(
            "SELECT source_file, line, reason FROM new_quarantine ORDER BY source_file, line LIMIT 20"
        ).fetchall()
    ]
    summary.records_read = usable + summary.quarantined_total
    summary.duplicates = dups
    summary.stored = usable - dups


def _model_pairs(con: duckdb.DuckDBPyConnection, current: Path | None) -> list[tuple[str | None, str]]:
    """Every (provider, model) the next generation holds: the new ones and those already priced."""
    pairs = [(p, m) for p, m in con.execute("SELECT DISTINCT provider, model FROM prepared").fetchall()]
    if current is not None and (current / PRICES_FILE).exists():
        old = pq.read_table(current / PRICES_FILE, columns=["provider", "model"])
        pairs.extend(zip(old.column("provider").to_pylist(), old.column("model").to_pylist(), strict=True))
    return pairs


def _register_dimensions(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    con.register(
        "aliases",
        pa.table(
            {"alias": list(config.aliases), "model": list(config.aliases.values())},
            schema=pa.schema([("alias", pa.string()), ("model", pa.string())]),
        ),
    )
    con.register(
        "feature_owner",
        pa.table(
            {"feature": list(config.feature_owner), "team": list(config.feature_owner.values())},
            schema=pa.schema([("feature", pa.string()), ("team", pa.string())]),
        ),
    )
    con.register("batch_discounts", _price_catalog().batch_discount_table(config))
    if config.users_file is not None:
        if not config.users_file.is_file():
            raise InputError(f"users file not found: {config.users_file}")
        try:
            con.execute(sqlfiles.load("users_from_csv"), {"path": str(config.users_file)})
        except duckdb.Error as exc:
            raise InputError(f"users file {config.users_file} needs a header with user_id: {exc}") from None
    else:
        con.execute("CREATE OR REPLACE TEMP TABLE users (user_id VARCHAR, user_tier VARCHAR, team VARCHAR)")


def _stale_rows(wh: Warehouse, config: Config) -> int:
    files = [str(f) for fs in wh.day_files().values() for f in fs]
    if not files:
        return 0
    con = duckdb.connect(":memory:")
    try:
        row = con.execute(
            "SELECT count(*) FROM read_parquet($f) WHERE price_version IS DISTINCT FROM $v "
            "AND cost_source IN ('catalog', 'override', 'unpriced')",
            {"f": files, "v": _price_catalog().price_version(config)},
        ).fetchall()
    finally:
        con.close()
    return int(row[0][0])


def _price_catalog() -> Any:
    """llmfinops.pricing.catalog, whose import ingest_paths started in the background."""
    return import_module("llmfinops.pricing.catalog")


def _q(path: Path) -> str:
    return str(path).replace("'", "''")
