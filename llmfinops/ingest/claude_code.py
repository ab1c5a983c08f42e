"""Claude Code's local session logs: ``~/.claude/projects/<project>/<session>.jsonl`` plus
``<session>/subagents/*.jsonl``.

Point ingest at the ``projects`` directory (or ``$CLAUDE_CONFIG_DIR/projects``); every session
file is recognised by its line shape. Lines are read in bounded chunks (session files grow to
hundreds of MB) and parsed by DuckDB's JSON functions in ``queries/ingest_claude_code.sql``,
which also decides which copy of a response written several times wins.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa

from llmfinops import sqlfiles
from llmfinops.ingest.jsoninput import head_matches, is_json_lines
from llmfinops.ingest.sources import SourceFile

if TYPE_CHECKING:
    from llmfinops.ingest.context import ReadContext


def project_of(src: SourceFile) -> str:
    """The encoded project directory a session file belongs to (cwd with / and . as -)."""
    parent = src.path.parent
    if parent.name == "subagents":  # <project>/<session>/subagents/agent-*.jsonl
        return parent.parent.parent.name
    return parent.name


class ClaudeCodeIngester:
    name = "claude_code"
    description = "Claude Code session logs (~/.claude/projects: <project>/<session>.jsonl and subagents)."
    resumable = True

    def sniff(self, src: SourceFile, head: bytes) -> bool:
        if not src.path.name.lower().removesuffix(".gz").endswith(".jsonl") or not is_json_lines(head):
            return False
        # Conversation lines link to their parent; a session of summaries only links to a leaf.
        # Lines of older releases carry no parentUuid, only a session id, the message and costUSD.
        return (
            head_matches(head, r'"sessionId"\s*:', r'"parentUuid"\s*:')
            or head_matches(head, r'"type"\s*:\s*"summary"', r'"leafUuid"\s*:')
            or head_matches(head, r'"sessionId"\s*:', r'"costUSD"\s*:', r'"usage"\s*:')
        )

    def batchable(self, src: SourceFile) -> bool:
        """Session files are many and small: they share staging queries (see the pipeline)."""
        return True

    def stage_lines(self, lines: pa.Table, ctx: ReadContext) -> None:
        """Stage lines of one or more session files (``lines`` carries each line's file)."""
        ctx.stage_chunks(sqlfiles.load("ingest_claude_code"), [lines], {})

    def stage_text_lines(self, ctx: ReadContext) -> None:
        """Stage the ``lines`` table DuckDB read from session files (see ``ingest/batching.py``)."""
        ctx.stage(sqlfiles.load("ingest_claude_code"))

    def read(self, src: SourceFile, ctx: ReadContext) -> None:
        sql = sqlfiles.load("ingest_claude_code")
        ctx.stage_chunks(sql, (chunk.lines for chunk in ctx.lines(src)), {})


INGESTER = ClaudeCodeIngester()
