"""publish --iceberg: the day files registered in place, re-synced by the next ingest, read back equal.

A real pyiceberg SQL catalog (SQLite) over the real sample store; the table is read back
through pyiceberg -> Arrow -> DuckDB and every metric of the registry must give the store's
numbers (the same definitions over the same rows, with ``day`` derived from ``ts``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from helpers import REPO
from spark_support import assert_same, iceberg_unavailable

from llmfinops.config import load_config
from llmfinops.metrics import METRICS, compute, resolve_period
from llmfinops.store import Warehouse, connect

_reason = iceberg_unavailable()
pytestmark = pytest.mark.skipif(_reason is not None, reason=_reason or "")

SAMPLE = REPO / "sample_logs"
EXAMPLE_CONFIG = REPO / "examples" / "llmfinops.toml"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory):
    """First ingest October only and publish by command; then ingest the rest with
    [publish] iceberg in the config, which must re-sync the table by itself."""
    from llmfinops.cli import app
    from llmfinops.cli.app import run_app

    root = tmp_path_factory.mktemp("iceberg")
    wh = Warehouse(root / "wh")
    uri = f"sqlite:///{root / 'catalog.db'}"
    shutil.copy(REPO / "examples" / "users.csv", root / "users.csv")
    plain = root / "plain.toml"
    plain.write_text(EXAMPLE_CONFIG.read_text())
    publishing = root / "publishing.toml"
    publishing.write_text(EXAMPLE_CONFIG.read_text() + f'\n[publish]\niceberg = "{uri}"\n')

    first = ["ingest", SAMPLE / "app-2026-10.jsonl.gz", "-w", wh.root, "-c", plain, "-q"]
    assert run_app(app, [str(a) for a in first]) == 0
    assert run_app(app, ["publish", "--iceberg", uri, "-w", str(wh.root), "-q"]) == 0
    after_first = _registered(uri, wh)
    rest = ["ingest", SAMPLE, "-w", wh.root, "-c", publishing, "-q"]
    assert run_app(app, [str(a) for a in rest]) == 0
    return wh, uri, after_first, publishing


def _table(uri: str, wh: Warehouse):
    from llmfinops.iceberg import DEFAULT_TABLE, open_catalog

    return open_catalog(uri, wh).load_table(DEFAULT_TABLE)


def _registered(uri: str, wh: Warehouse) -> set[str]:
    return {task.file.file_path for task in _table(uri, wh).scan().plan_files()}


def test_first_publish_registered_the_october_files(published):
    wh, _uri, after_first, _ = published
    # app-2026-10.jsonl.gz covers 2026-10-11 .. 2026-10-31: one file per UTC day, 21 days.
    assert len(after_first) == 21
    assert all(p.startswith(str(wh.calls_dir) + "/day=2026-1") for p in after_first)


def test_ingest_resynced_to_exactly_the_current_day_files(published):
    from llmfinops.iceberg import current_files

    wh, uri, _, _ = published
    assert _registered(uri, wh) == set(current_files(wh))
    assert len(current_files(wh)) == 44  # the sample spans 44 UTC days


def test_files_are_registered_in_place_not_copied(published):
    wh, uri, _, _ = published
    table = _table(uri, wh)
    # The only Parquet under the Iceberg folder would be a rewritten copy: there is none.
    assert not list((wh.root / "iceberg").rglob("*.parquet"))
    assert str(table.spec()).count("day(") == 1 and "ts_day" in str(table.spec())
    assert "day" not in table.schema().column_names  # the hive column is not in the files


def test_a_week_plans_only_its_seven_files(published):
    from pyiceberg.expressions import And, GreaterThanOrEqual, LessThan

    wh, uri, _, _ = published
    week = And(
        GreaterThanOrEqual("ts", "2026-11-16T00:00:00+00:00"), LessThan("ts", "2026-11-23T00:00:00+00:00")
    )
    planned = sorted(t.file.file_path for t in _table(uri, wh).scan(row_filter=week).plan_files())
    assert [Path(p).parent.name for p in planned] == [f"day=2026-11-{d}" for d in range(16, 23)]


def test_publish_again_changes_nothing(published, cli):
    wh, uri, _, _ = published
    code, out, _ = cli("publish", "--iceberg", uri, "-w", wh.root)
    assert code == 0
    assert out.strip() == "llmfinops.calls: up to date (44 day files)."


@pytest.mark.parametrize("name", sorted(METRICS))
def test_read_back_gives_the_same_metrics(published, name):
    from llmfinops.iceberg import read_arrow

    wh, uri, _, _ = published
    period = resolve_period("2026-W47", None, None)
    config = load_config(EXAMPLE_CONFIG)
    back = duckdb.connect(":memory:")
    back.execute("SET TimeZone = 'UTC'")
    back.register("iceberg_calls", read_arrow(uri, wh))
    # Over Iceberg every day bound comes from ts: `day` is derived, not read.
    back.execute("CREATE VIEW calls AS SELECT *, CAST(timezone('UTC', ts) AS DATE) AS day FROM iceberg_calls")
    store = connect(wh)
    try:
        expected = compute(store, name, period=period, config=config)
    finally:
        store.close()
    got = compute(back, name, period=period, config=config)
    assert expected.num_rows > 0
    assert_same(expected, got, f"{name} read back from Iceberg")


def test_publish_needs_a_catalog(cli, published):
    wh, _uri, _, _ = published
    code, _, err = cli("publish", "-w", wh.root)
    assert code == 2
    assert "give --iceberg CATALOG_URI" in err


def test_data_uri_registers_the_synced_copy(published, cli, tmp_path):
    """Readers elsewhere (Athena on S3) see a copy of calls/: the table lists the copy's paths.
    Here the copy is a local folder standing in for `aws s3 sync WAREHOUSE/calls/ s3://…/calls/`."""
    import pyarrow.parquet as pq

    from llmfinops.iceberg import open_catalog

    wh, uri, _, _ = published
    copy = tmp_path / "synced-calls"
    shutil.copytree(wh.calls_dir, copy, symlinks=False)
    code, out, err = cli(
        "publish",
        "--iceberg",
        uri,
        "--table",
        "llmfinops.calls_synced",
        "--data-uri",
        copy.as_uri(),
        "-w",
        wh.root,
    )
    assert code == 0, err
    assert "44 file(s) added" in out
    table = open_catalog(uri, wh).load_table("llmfinops.calls_synced")
    paths = {t.file.file_path for t in table.scan().plan_files()}
    assert len(paths) == 44 and all(p.startswith(copy.as_uri() + "/day=") for p in paths)
    stored = sum(pq.read_metadata(f).num_rows for files in wh.day_files().values() for f in files)
    assert table.scan().to_arrow().num_rows == stored


def test_reprice_registers_every_file_again(published, cli):
    """Reprice rewrites every day under the same file names: the re-sync swaps all 44 in one
    snapshot, so no stale statistics survive. (Last in this file: it changes the store.)"""
    from llmfinops.iceberg import current_files

    wh, uri, _, publishing = published
    code, _, err = cli("reprice", "-w", wh.root, "-c", publishing, "-q")
    assert code == 0, err
    table = _table(uri, wh)
    summary = table.current_snapshot().summary
    assert (summary["added-data-files"], summary["deleted-data-files"]) == ("44", "44")
    assert _registered(uri, wh) == set(current_files(wh))
