"""Where things live in a warehouse directory, and how a new version of the store is committed.

Layout (``WAREHOUSE`` defaults to ``./llmfinops-data``)::

    WAREHOUSE/
      calls -> generations/g000007      symlink to the current generation (swapped atomically)
      generations/g000007/
        day=2026-11-03/part-<run>.parquet   calls, hive-partitioned by UTC day, one file per day
        _prices.parquet                      the flattened price table that priced those calls
        _quarantine.parquet                  records that could not be used: file, line, reason
        _files.parquet                       files ingested so far (size, mtime, bytes read)
      llmfinops.duckdb                   views for analysts over the files above
      .lock                              held by the one process that is writing

Spark, Trino or Athena read ``WAREHOUSE/calls/`` as a plain hive-partitioned table; files whose
name starts with ``_`` are ignored by them by convention.

A writer never changes a generation in place. It builds the next one beside it (hard links for
the days it does not touch, new files for the days it does), then points ``calls`` at it with
one ``rename`` — so a crash leaves the store exactly as it was, and readers never see half a run.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from llmfinops.errors import StoreError

DEFAULT_WAREHOUSE = "llmfinops-data"
CATALOG_NAME = "llmfinops.duckdb"
PRICES_FILE = "_prices.parquet"
QUARANTINE_FILE = "_quarantine.parquet"
FILES_FILE = "_files.parquet"
_GEN = re.compile(r"^g(\d{6})$")
KEEP_GENERATIONS = 2  # the current one and the one before, for readers mid-query during a swap


def resolve_warehouse(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--warehouse``, else ``$LLMFINOPS_WAREHOUSE``, else ``./llmfinops-data``; made absolute."""
    chosen = explicit or os.environ.get("LLMFINOPS_WAREHOUSE") or DEFAULT_WAREHOUSE
    return Path(chosen).expanduser().resolve()


@dataclass(frozen=True)
class Warehouse:
    root: Path

    @classmethod
    def at(cls, path: str | os.PathLike[str] | None = None) -> Warehouse:
        return cls(resolve_warehouse(path))

    @property
    def calls_dir(self) -> Path:
        return self.root / "calls"

    @property
    def generations_dir(self) -> Path:
        return self.root / "generations"

    @property
    def catalog_path(self) -> Path:
        return self.root / CATALOG_NAME

    @property
    def staging_dir(self) -> Path:
        return self.root / "_staging"

    def exists(self) -> bool:
        return self.calls_dir.is_symlink() and self.current_generation() is not None

    def current_generation(self) -> Path | None:
        """The directory ``calls`` points to, or None for a warehouse nothing was committed to."""
        if not self.calls_dir.is_symlink():
            return None
        target = (self.root / os.readlink(self.calls_dir)).resolve()
        return target if target.is_dir() else None

    def require(self) -> Path:
        gen = self.current_generation()
        if gen is None:
            raise StoreError(f"no data in warehouse {self.root}: run `llmfinops ingest PATH` first")
        return gen

    def day_files(self, generation: Path | None = None) -> dict[str, list[Path]]:
        """Parquet files of each ``day=YYYY-MM-DD`` partition of a generation."""
        gen = generation or self.current_generation()
        if gen is None:
            return {}
        out: dict[str, list[Path]] = {}
        for day_dir in sorted(gen.glob("day=*")):
            files = sorted(day_dir.glob("*.parquet"))
            if files:
                out[day_dir.name.removeprefix("day=")] = files
        return out

    @contextlib.contextmanager
    def writer_lock(self) -> Iterator[None]:
        """Serialise writers: one ingest or reprice at a time per warehouse."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            handle = open(self.root / ".lock", "w")  # noqa: SIM115 - held for the whole block
        except OSError as exc:
            raise StoreError(f"cannot write to warehouse {self.root}: {exc.strerror}") from None
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreError(f"another llmfinops process is writing to {self.root}") from None
            self._clean_leftovers()
            yield
        finally:
            handle.close()

    def _clean_leftovers(self) -> None:
        """Remove what a killed writer left behind: staging files and half-built generations."""
        shutil.rmtree(self.staging_dir, ignore_errors=True)
        if self.generations_dir.is_dir():
            for entry in self.generations_dir.iterdir():
                if not _GEN.match(entry.name):
                    shutil.rmtree(entry, ignore_errors=True)
        tmp_link = self.root / "calls.next"
        if tmp_link.is_symlink():
            tmp_link.unlink()

    def begin_generation(self) -> Path:
        """A fresh, empty directory for the next generation (not visible until :meth:`publish`)."""
        self.generations_dir.mkdir(parents=True, exist_ok=True)
        numbers = [int(m.group(1)) for p in self.generations_dir.iterdir() if (m := _GEN.match(p.name))]
        nxt = max(numbers, default=0) + 1
        building = self.generations_dir / f"g{nxt:06d}.building"
        shutil.rmtree(building, ignore_errors=True)
        building.mkdir()
        return building

    def publish(self, building: Path) -> Path:
        """Make a built generation the current one, atomically, and drop old generations."""
        final = building.with_name(building.name.removesuffix(".building"))
        for path in building.rglob("*"):
            # Files carried over by hard link are already durable; flush only what this run wrote.
            if path.is_file() and path.stat().st_nlink == 1:
                _fsync(path)
        building.rename(final)
        tmp_link = self.root / "calls.next"
        if tmp_link.is_symlink():
            tmp_link.unlink()
        tmp_link.symlink_to(Path("generations") / final.name)
        os.replace(tmp_link, self.calls_dir)  # the commit point
        _fsync_dir(self.root)
        self._drop_old_generations(final)
        return final

    def _drop_old_generations(self, current: Path) -> None:
        gens = sorted(p for p in self.generations_dir.iterdir() if _GEN.match(p.name))
        for old in gens[:-KEEP_GENERATIONS]:
            if old != current:
                shutil.rmtree(old, ignore_errors=True)


def link_or_copy(src: Path, dst: Path) -> None:
    """Carry an unchanged file into the next generation without copying its bytes."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        _fsync(path)
