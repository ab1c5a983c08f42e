"""Reading a text file as bounded Arrow chunks of whole lines, with the limits a line must keep."""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from llmfinops.ingest.sources import HEAD_BYTES, open_content

# Each chunk is one staging query, planned anew (~0.06 s for the native query): 64 MB chunks
# halve that planning against 32 MB for some 100 MB more peak memory with two workers.
CHUNK_BYTES = 64 * 1024 * 1024


def balanced_chunk_bytes(size: int, workers: int, target: int = CHUNK_BYTES) -> int:
    """The chunk size for reading ``size`` bytes with ``workers`` chunks staged at once: about
    ``target``, and the bytes cut into a whole number of rounds of ``workers`` chunks. With fixed
    64 MB chunks a 356 MB file ended on one full and one 36 MB chunk, and one core sat idle
    for the difference (~0.6 s of a 6 s ingest)."""
    if size <= target or workers < 1:
        return target
    rounds = max(1, round(size / (target * workers)))
    return -(-size // (rounds * workers))  # ceil: n blocks cover the bytes, no short extra one


@dataclass(frozen=True)
class LineLimits:
    """What one line may be: longer or deeper lines are quarantined, never parsed."""

    max_line_mb: float = 16
    max_depth: int = 1000

    @property
    def max_line_bytes(self) -> int:
        return int(self.max_line_mb * 1024 * 1024)

    @property
    def too_long(self) -> str:
        return f"line over {self.max_line_mb:g} MB"


TOO_DEEP = "too deeply nested"
CORRUPT_GZIP = "corrupt gzip data: the rest of the file cannot be read"


@dataclass(frozen=True)
class LineChunk:
    lines: pa.Table  # line_no BIGINT (1-based, in the file), raw VARCHAR
    # Where a later run resumes: the bytes of the (decompressed) stream and the lines read up to
    # the end of the last line that has its line end. A last line without one is in `lines`
    # but not counted here: it may be a record still being written, read again, whole, next time.
    end_offset: int
    last_line: int
    # lines the reader rejected (too long, too deep; their `raw` is empty) and why
    rejects: tuple[tuple[int, str], ...] = ()


def line_chunks(
    path: Path,
    *,
    start_offset: int = 0,
    start_line: int = 0,
    chunk_bytes: int = CHUNK_BYTES,
    limits: LineLimits = LineLimits(),
) -> Iterator[LineChunk]:
    """Read a text file as Arrow chunks of whole lines, never holding more than ~``chunk_bytes``
    plus one line of at most ``limits.max_line_bytes``.

    Bytes that are not UTF-8 are replaced rather than failing the file: the line is then
    judged by the JSON parser like any other. A last line without a newline is included, but
    the chunk's ``end_offset``/``last_line`` stop before it (a grown file is read on from there).
    LF and CRLF end a line, also when a CRLF is cut between two blocks; elsewhere a lone CR is
    whitespace (as JSON and JSON Lines define it), except in a file with no LF in its first
    block, whose lines end with CR (classic Mac OS tools). A line over the size limit is skipped
    as it streams past and one nested deeper than the depth limit is not handed on: both are
    returned as an empty line (not a record) and listed in ``rejects``. A gzip stream that
    breaks off (garbage after a member, a truncated member) ends the file with a reject on the
    line after the last one read; every line before it is kept.
    Each block read is split where it lies: only the line that straddles two blocks is copied.
    """
    line_no = start_line
    with _opened(path) as (fh, bom):
        if start_offset:
            fh.seek(start_offset)
        offset = start_offset or bom  # raw bytes consumed, a byte-order mark included
        carry = b""  # the start of a line whose end is in a later block
        skipping = False  # inside a line over the size limit: its bytes are dropped
        cr_ends = _ends_lines_with_cr(path)
        broken = False
        while not broken:
            block, broken = _read_block(fh, chunk_bytes)
            if not block:
                break
            offset += len(block)
            if cr_ends:
                block = block.replace(b"\r", b"\n")
            last = block.rfind(b"\n")
            if last < 0:
                if not skipping:
                    carry += block
                    if len(carry) > limits.max_line_bytes:
                        carry, skipping = b"", True
                continue
            first = block.find(b"\n")
            rejects: list[tuple[int, str]] = []
            # carry + block[:first] is one line; block[first + 1 : last] are the following ones
            if skipping:  # the over-long line ends here: it stays, empty, so numbers stay right
                rejects.append((line_no + 1, limits.too_long))
                parts = [pa.array([""], pa.large_string())]
                skipping = False
            else:
                parts = [_split_lines(carry + block[:first])]
            if first < last:
                parts.append(_split_lines(block, first + 1, last))
            chunk, found = _apply_limits(_lines_table(parts, line_no), limits)
            line_no += chunk.num_rows
            carry = block[last + 1 :]
            if len(carry) > limits.max_line_bytes:
                carry, skipping = b"", True
            yield LineChunk(chunk, offset - len(carry), line_no, (*rejects, *found))
        rejects = []
        chunk = _lines_table([], line_no)
        resume_at, resume_line = offset, line_no
        if carry or skipping:
            if skipping:
                rejects.append((line_no + 1, limits.too_long))
            else:  # the last line has no line end: a writer may be in the middle of it
                resume_at = offset - len(carry)
            chunk, found = _apply_limits(_lines_table([_split_lines(carry)], line_no), limits)
            rejects.extend(found)
            line_no += chunk.num_rows
            resume_line = line_no if skipping else line_no - chunk.num_rows
        if broken:
            rejects.append((line_no + 1, CORRUPT_GZIP))
            resume_at, resume_line = offset, line_no
        if chunk.num_rows or rejects:
            yield LineChunk(chunk, resume_at, resume_line, tuple(rejects))


def _ends_lines_with_cr(path: Path) -> bool:
    """Whether the file's lines end with a lone CR: its first 64 KB hold a CR and no LF."""
    with _opened(path) as (fh, _):
        head, _ = _read_block(fh, HEAD_BYTES)
    return head.find(b"\n") < 0 and head.find(b"\r") >= 0


@contextmanager
def _opened(path: Path) -> Iterator[tuple[Any, int]]:
    stream, bom = open_content(path)
    with stream:
        yield stream, bom


def _read_block(fh: Any, n: int) -> tuple[bytes, bool]:
    """Up to ``n`` bytes, and whether the stream broke off (only gzip can: garbage after a
    member, a truncated member). Gzip is read piece by piece so that the data before the break
    is returned (one read of ``n`` bytes would drop it with the error)."""
    if not isinstance(fh, gzip.GzipFile):
        return bytes(fh.read(n)), False
    pieces: list[bytes] = []
    size = 0
    while size < n:
        try:
            piece = fh.read1(n - size)
        except (OSError, EOFError, zlib.error):
            return b"".join(pieces), True
        if not piece:
            break
        pieces.append(piece)
        size += len(piece)
    return b"".join(pieces), False


def _apply_limits(chunk: pa.Table, limits: LineLimits) -> tuple[pa.Table, list[tuple[int, str]]]:
    """The chunk with over-long and too-deep lines emptied, and those lines with their reason."""
    raw = chunk.column("raw")
    if chunk.num_rows == 0:
        return chunk, []
    lengths = pc.binary_length(raw)
    too_long = pc.greater(lengths, limits.max_line_bytes)
    # A value nested D deep takes at least 2D characters and D opening brackets: only lines
    # that long have their brackets counted, and only those with that many are measured.
    maybe_deep = pc.greater(lengths, 2 * limits.max_depth)
    candidates = pc.and_(maybe_deep, pc.invert(too_long))
    deep_rows: list[int] = []
    if pc.any(candidates).as_py():
        idx = pc.indices_nonzero(candidates)
        texts = pc.take(raw, idx)
        opens = pc.add(pc.count_substring(texts, "{"), pc.count_substring(texts, "["))
        many = pc.indices_nonzero(pc.greater(opens, limits.max_depth))
        for i in many.to_pylist():
            if nesting_depth(texts[i].as_py()) > limits.max_depth:
                deep_rows.append(idx[i].as_py())
    if not deep_rows and not pc.any(too_long).as_py():
        return chunk, []
    mask = np.zeros(chunk.num_rows, dtype=bool)
    mask[deep_rows] = True
    mask |= too_long.to_numpy(zero_copy_only=False)
    line_no = chunk.column("line_no").to_numpy()
    reasons = {int(line_no[i]): TOO_DEEP for i in deep_rows}
    for i in np.flatnonzero(too_long.to_numpy(zero_copy_only=False)):
        reasons[int(line_no[i])] = limits.too_long
    emptied = pc.if_else(pa.array(mask), pa.scalar("", pa.large_string()), raw)
    chunk = chunk.set_column(chunk.schema.get_field_index("raw"), "raw", emptied)
    return chunk, sorted(reasons.items())


_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')


def nesting_depth(text: str) -> int:
    """How deeply a JSON text nests arrays and objects (brackets inside strings not counted),
    measured without parsing it (a parser recurses once per level)."""
    data = np.frombuffer(_JSON_STRING.sub("", text).encode("utf-8", errors="replace"), dtype=np.uint8)
    if data.size == 0:
        return 0
    step = ((data == 0x7B) | (data == 0x5B)).astype(np.int32) - ((data == 0x7D) | (data == 0x5D))
    return int(np.cumsum(step).max(initial=0))


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
