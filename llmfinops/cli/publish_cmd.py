"""``llmfinops publish --iceberg URI``: register the store's day files in an Iceberg table."""

from __future__ import annotations

from typing import Annotated

import typer

from llmfinops.cli.app import ConfigOpt, QuietOpt, WarehouseOpt, console
from llmfinops.config import load_config
from llmfinops.errors import ConfigError
from llmfinops.store.layout import Warehouse


def publish(
    iceberg: Annotated[
        str | None,
        typer.Option(
            "--iceberg",
            help="Catalog URI: sqlite:///PATH.db or postgresql+psycopg2://… (SQL catalog), "
            "or http(s)://… (REST catalog). Default: [publish] iceberg in the config.",
            show_default=False,
        ),
    ] = None,
    table: Annotated[
        str | None,
        typer.Option("--table", help="namespace.table (default llmfinops.calls).", show_default=False),
    ] = None,
    data_uri: Annotated[
        str | None,
        typer.Option(
            "--data-uri",
            help="Where the readers see calls/ when not on this disk, e.g. s3://bucket/llmfinops/calls "
            "(sync it there first). Default: [publish] data_uri, else the warehouse's calls/.",
            show_default=False,
        ),
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Register every file again, not only changes.")
    ] = False,
    warehouse: WarehouseOpt = None,
    config: ConfigOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Register the current day files in an Iceberg table partitioned by day(ts), without copying them.

    Spark, Trino, Athena, Snowflake and BigQuery then read the store as one table. Files
    already registered stay; rewritten or dropped days are swapped in one snapshot. With
    [publish] iceberg in the config, every ingest re-syncs the table by itself.

    Example: llmfinops publish --iceberg sqlite:///llmfinops-data/iceberg.db --table llmfinops.calls
    """
    from llmfinops.iceberg import DEFAULT_TABLE, publish_iceberg

    cfg = load_config(config)
    uri = iceberg or cfg.publish_iceberg
    if not uri:
        raise ConfigError("give --iceberg CATALOG_URI or set [publish] iceberg in the config")
    name = table or (cfg.publish_table if cfg.publish_iceberg else DEFAULT_TABLE)
    where = data_uri or cfg.publish_data_uri
    result = publish_iceberg(Warehouse.at(warehouse), uri, name, full=full, data_uri=where)
    if not quiet:
        if result.snapshot_id is None:
            console.print(f"{result.table}: up to date ({result.files_total:,} day files).")
        else:
            console.print(
                f"{result.table}: {result.files_added:,} file(s) added, {result.files_removed:,} removed, "
                f"{result.files_total:,} in all (snapshot {result.snapshot_id})."
            )


def register(app: typer.Typer) -> None:
    app.command("publish")(publish)
