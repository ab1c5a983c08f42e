"""Input files: finding them, opening them (gzip or not) and reading them in bounded chunks of lines."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from llmfinops.errors import InputError

GZIP_MAGIC = b"\x1f\x8b"
HEAD_BYTES = 64 * 1024
CHUNK_BYTES = 32 * 1024 * 1024
_SKIP_NAMES = {".DS_Store"}


@dataclass(frozen=True)
class SourceFile:
    path: Path  # absolute
    size: int
    mtime_ns: int

    @property
    def name(self) -> str:
        return str(self.path)

    @property
    def compressed(self) -> bool:
        with open(self.path, "rb") as fh:
            return fh.read(2) == GZIP_MAGIC

    def head(self, n: int = HEAD_BYTES) -> bytes:
        """The first ``n`` bytes of the (decompressed) content, for format sniffing."""
        with open_binary(self.path) as fh:
            try:
                return fh.read(n)
            except (OSError, EOFError):
                return b""

    def head_hash(self, upto: int) -> str:
        """Hash of the first ``upto`` raw bytes: tells a grown file from a rewritten one."""
        with open(self.path, "rb") as fh:
            return hashlib.sha256(fh.read(min(upto, HEAD_BYTES))).hexdigest()[:16]


def discover(paths: Iterable[str | os.PathLike[str]]) -> list[SourceFile]:
    """Files under the given paths (directories recursively, hidden files skipped), sorted.

    A path that does not exist or cannot be read is an :class:`InputError` — the one case where
    ingest stops without storing anything.
    """
    found: dict[Path, SourceFile] = {}
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            raise InputError(f"no such file or directory: {raw}")
        if path.is_dir():
            candidates = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            candidates = [path]
        for candidate in candidates:
            if candidate.name in _SKIP_NAMES:
                continue
            if not os.access(candidate, os.R_OK):
                raise InputError(f"cannot read {candidate}: permission denied")
            stat = candidate.stat()
            absolute = candidate.resolve()
            found[absolute] = SourceFile(absolute, stat.st_size, stat.st_mtime_ns)
    return sorted(found.values(), key=lambda s: str(s.path))


def open_binary(path: Path) -> io.BufferedIOBase:
    """Open a file for reading bytes, transparently decompressing gzip."""
    fh = open(path, "rb")  # noqa: SIM115 - returned to the caller
    if fh.peek(2)[:2] == GZIP_MAGIC:
        return gzip.GzipFile(fileobj=fh, mode="rb")  # type: ignore[return-value]
    return fh


@dataclass(frozen=True)
class LineChunk:
    lines: pa.Table  # line_no BIGINT (1-based, in the file), raw VARCHAR
    end_offset: int  # bytes of the (decompressed) stream consumed after this chunk
    last_line: int


def line_chunks(
    path: Path,
    *,
    start_offset: int = 0,
    start_line: int = 0,
    chunk_bytes: int = CHUNK_BYTES,
) -> Iterator[LineChunk]:
    """Read a text file as Arrow chunks of whole lines, never holding more than ~``chunk_bytes``.

    Bytes that are not UTF-8 are replaced rather than failing the file: the line is then
    judged by the JSON parser like any other. A last line without a newline is included.
    """
    line_no = start_line
    offset = start_offset
    with open_binary(path) as fh:
        if start_offset:
            fh.seek(start_offset)
        carry = b""
        while True:
            block = fh.read(chunk_bytes)
            if not block:
                break
            block = carry + block
            cut = block.rfind(b"\n")
            if cut < 0:
                carry = block
                continue
            complete, carry = block[: cut + 1], block[cut + 1 :]
            offset += len(complete)
            chunk = _to_table(complete[:-1], line_no)
            line_no += chunk.num_rows
            yield LineChunk(chunk, offset, line_no)
        if carry:
            offset += len(carry)
            chunk = _to_table(carry, line_no)
            line_no += chunk.num_rows
            yield LineChunk(chunk, offset, line_no)


def _to_table(data: bytes, first_line: int) -> pa.Table:
    """Lines of ``data`` (no trailing newline) as an Arrow table, without a Python object per line.

    The string column points into one copy of ``data``: offsets come from the newline positions.
    Line terminators stay in place but become spaces (a raw CR or LF can only be whitespace in
    JSON or CSV outside quotes), so a line is its text plus trailing blanks. Bytes that are not
    UTF-8 take the slow path, where they are replaced rather than failing the file.
    """
    buf = np.frombuffer(data, dtype=np.uint8).copy()
    ends = np.flatnonzero(buf == 10) + 1
    buf[(buf == 10) | (buf == 13)] = 32
    offsets = np.concatenate(([0], ends, [len(buf)])).astype(np.int64)
    n = len(offsets) - 1
    raw = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(buf))
    try:
        raw.validate(full=True)
    except pa.ArrowInvalid:
        text = data.decode("utf-8", errors="replace").replace("\r", " ")
        raw = pa.array(text.split("\n"), type=pa.large_string())
    return pa.table(
        {"line_no": pa.array(np.arange(first_line + 1, first_line + n + 1, dtype=np.int64)), "raw": raw}
    )
