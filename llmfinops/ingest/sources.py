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
import pyarrow.compute as pc

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
    Each block read is split where it lies: only the line that straddles two blocks is copied.
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
            last = block.rfind(b"\n")
            if last < 0:
                carry += block
                continue
            first = block.find(b"\n")
            # carry + block[:first] is one line; block[first + 1 : last] are the following ones
            parts = [_split_lines(carry + block[:first])]
            if first < last:
                parts.append(_split_lines(block, first + 1, last))
            chunk = _lines_table(parts, line_no)
            offset += len(carry) + last + 1
            line_no += chunk.num_rows
            carry = block[last + 1 :]
            yield LineChunk(chunk, offset, line_no)
        if carry:
            offset += len(carry)
            chunk = _lines_table([_split_lines(carry)], line_no)
            line_no += chunk.num_rows
            yield LineChunk(chunk, offset, line_no)


def _lines_table(parts: list[pa.Array], first_line: int) -> pa.Table:
    raw = pa.chunked_array(parts, type=pa.large_string())
    n = len(raw)
    line_no = pa.array(np.arange(first_line + 1, first_line + n + 1, dtype=np.int64))
    return pa.table({"line_no": line_no, "raw": raw})


def _split_lines(data: bytes, start: int = 0, end: int | None = None) -> pa.Array:
    """The lines of ``data[start:end]`` (no trailing newline), split in C++ without a Python object
    per line and without copying the block.

    A line is its text without the terminator: CRLF counts as one line end, and any other CR
    becomes a space (a raw CR can only be whitespace in JSON or CSV outside quotes), so a line
    reads the same whichever chunk it falls in and whatever line ends the file uses. Bytes that
    are not UTF-8 take the slow path, where they are replaced rather than failing the file.
    """
    end = len(data) if end is None else end
    if data.find(b"\r", start, end) >= 0:
        # the CR of a CRLF just before the cut stays at the end of the segment
        data = data[start:end].replace(b"\r\n", b"\n").removesuffix(b"\r").replace(b"\r", b" ")
        start, end = 0, len(data)
    buffer = pa.py_buffer(data)[start:end]  # a view of the block, not a copy
    offsets = pa.py_buffer(np.array([0, len(buffer)], dtype=np.int64))
    whole = pa.LargeBinaryArray.from_buffers(pa.large_binary(), 1, [None, offsets, buffer])
    pieces = pc.split_pattern(whole, b"\n").flatten()
    try:
        return pieces.cast(pa.large_string())
    except pa.ArrowInvalid:
        text = data[start:end].decode("utf-8", errors="replace")
        return pa.array(text.split("\n"), type=pa.large_string())
