"""Where a report goes: the dated default name, ``--out`` as a file or a folder, atomic writes."""

from __future__ import annotations

import os
from pathlib import Path

from llmfinops.errors import LlmFinopsError
from llmfinops.period import Period
from llmfinops.report.model import file_label


class ReportError(LlmFinopsError):
    """A report cannot be written (a bad --out, a full disk)."""


def default_name(kind: str, period: Period) -> str:
    """llmfinops-2026-W47-showback.html"""
    return f"llmfinops-{file_label(period)}-{kind}.html"


def output_path(out: str | os.PathLike[str] | None, kind: str, period: Period) -> Path:
    """``--out`` as given; a folder (existing, or written with a trailing /) gets the dated name."""
    if out is None:
        return Path.cwd() / default_name(kind, period)
    text = os.fspath(out)
    path = Path(text).expanduser()
    if path.is_dir() or text.endswith(("/", os.sep)):
        return path / default_name(kind, period)
    return path


def write_atomically(path: Path, text: str) -> int:
    """Write ``text`` next to ``path`` and rename it into place, so a web server or a mail job
    never picks up half a report. Returns the number of bytes written."""
    data = text.encode("utf-8")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)  # plain open(): the file gets the umask's usual permissions
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ReportError(f"cannot write {path}: {exc.strerror or exc}") from None
    return len(data)
