"""Input files: finding them and opening them (gzip, byte-order marks, UTF-16); their lines are
read by :mod:`llmfinops.ingest.lines`."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import stat
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llmfinops.errors import InputError

GZIP_MAGIC = b"\x1f\x8b"
HEAD_BYTES = 64 * 1024
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

    @property
    def utf16(self) -> bool:
        """Whether the (decompressed) content is UTF-16, told by its byte-order mark."""
        with open_binary(self.path) as fh:
            return isinstance(fh, _Utf16AsUtf8)

    @property
    def seekable(self) -> bool:
        """Whether a byte offset into the content is one into the file (for resuming a grown file)."""
        return not self.compressed and not self.utf16

    def head(self, n: int = HEAD_BYTES) -> bytes:
        """The first ``n`` bytes of the (decompressed) content, for format sniffing.

        The first ``HEAD_BYTES`` are read once and kept: sniffing, the reader and the manifest's
        head hash all ask for them (a projects folder is thousands of files).
        """
        if n > HEAD_BYTES:
            return self._read_head(n)
        head = self.__dict__.get("_head")
        if head is None:
            head = self._read_head(HEAD_BYTES)
            object.__setattr__(self, "_head", head)  # a cache, not part of the value
        return head[:n]

    def _read_head(self, n: int) -> bytes:
        stream, skipped = open_content(self.path)
        with stream as fh:
            try:
                head = fh.read(n)
            except (OSError, EOFError):
                return b""
            # plain content: its bytes are the file's, which head_hash may then reuse
            object.__setattr__(self, "_plain", isinstance(stream, io.BufferedReader) and not skipped)
            return head

    def head_hash(self, upto: int) -> str:
        """Hash of the first ``upto`` raw bytes: tells a grown file from a rewritten one."""
        n = min(upto, HEAD_BYTES)
        head = self.__dict__.get("_head")
        if head is not None and self.__dict__.get("_plain"):
            raw = head[:n]  # the file's own bytes, read when it was sniffed
        else:
            try:
                with open(self.path, "rb") as fh:
                    raw = fh.read(n)
            except FileNotFoundError:  # gone since it was read: a later file there is new to us
                return ""
        return hashlib.sha256(raw).hexdigest()[:16]


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
        if not path.is_dir() and not path.is_file():
            raise InputError(f"{raw}: not a regular file or a directory")
        candidates = _files_under(path) if path.is_dir() else [path]
        for candidate in candidates:
            if candidate.name in _SKIP_NAMES:
                continue
            if not os.access(candidate, os.R_OK):
                raise InputError(f"cannot read {candidate}: permission denied")
            info = candidate.stat()
            absolute = candidate if path.is_dir() and not candidate.is_symlink() else candidate.resolve()
            found[absolute] = SourceFile(absolute, info.st_size, info.st_mtime_ns)
    return sorted(found.values(), key=lambda s: str(s.path))


def utf8_named(files: list[SourceFile]) -> tuple[list[SourceFile], list[str]]:
    """The files whose paths are UTF-8, and the others' paths for a message (bytes that are not
    UTF-8 written as \\xNN). Linux allows any bytes in a name; DuckDB opens UTF-8 paths only, and
    the store keeps paths as text."""
    good: list[SourceFile] = []
    bad: list[str] = []
    for src in files:
        try:
            src.name.encode("utf-8")
        except UnicodeEncodeError:
            bad.append(os.fsencode(src.path).decode("utf-8", errors="backslashreplace"))
        else:
            good.append(src)
    return good, bad


UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _files_under(root: Path) -> list[Path]:
    """Every file below ``root``, hidden files and directories skipped, as canonical paths.

    os.walk with one realpath per directory: Path.rglob with a resolve() per file took most of a
    no-op re-ingest of a Claude Code projects folder (1,400 files).
    Each real directory is walked once: a link back up the tree (``ln -s .. parent``) made
    os.walk go round until the path was too long, and then hand on the link as a file. Only
    regular files count: a dangling link, a socket or a pipe holds no log to read.
    """
    files: list[Path] = []
    walked: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in walked:
            dirnames[:] = []
            continue
        walked.add(real)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if not name.startswith(".") and stat.S_ISREG(_mode(os.path.join(real, name))):
                files.append(Path(real, name))
    return sorted(files)


def _mode(path: str) -> int:
    try:
        return os.stat(path).st_mode
    except OSError:  # a dangling link
        return 0


def open_binary(path: Path) -> io.BufferedIOBase:
    """Open a file for reading its content as UTF-8 bytes: gzip is decompressed, a UTF-8
    byte-order mark skipped and UTF-16 (told by its byte-order mark) decoded."""
    return open_content(path)[0]


def open_content(path: Path) -> tuple[Any, int]:
    """The content stream (see :func:`open_binary`) and the bytes of byte-order mark skipped."""
    fh = open(path, "rb")  # noqa: SIM115 - returned to the caller
    stream: Any = fh
    if fh.peek(2)[:2] == GZIP_MAGIC:
        stream = gzip.GzipFile(fileobj=fh, mode="rb")
    try:
        start = stream.peek(4)[:4]
    except (OSError, EOFError, zlib.error):
        return stream, 0  # a broken gzip header: reading it reports the error
    if start.startswith(UTF8_BOM):
        stream.read(len(UTF8_BOM))
        return stream, len(UTF8_BOM)
    if start[:2] in UTF16_BOMS:
        return _Utf16AsUtf8(stream), 0
    return stream, 0


class _Utf16AsUtf8:
    """A UTF-16 byte stream (with its byte-order mark) read as UTF-8 bytes."""

    def __init__(self, raw: Any) -> None:
        self._raw = raw
        self._text = io.TextIOWrapper(raw, encoding="utf-16", errors="replace", newline="")
        self._pending = b""

    def read(self, n: int = -1) -> bytes:
        if n < 0:
            out, self._pending = self._pending + self._text.read().encode("utf-8"), b""
            return out
        while len(self._pending) < n:
            piece = self._text.read(max(n // 2, 1))
            if not piece:
                break
            self._pending += piece.encode("utf-8", errors="replace")
        out, self._pending = self._pending[:n], self._pending[n:]
        return out

    def seek(self, offset: int) -> None:
        raise io.UnsupportedOperation("a UTF-16 file is read from its start")

    def __enter__(self) -> _Utf16AsUtf8:
        return self

    def __exit__(self, *exc: object) -> None:
        self._text.close()
