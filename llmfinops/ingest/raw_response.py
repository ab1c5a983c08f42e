"""Raw provider responses as an application logged them: one per line, or a pretty-printed document.

Recognises OpenAI Chat Completions / Responses (Azure OpenAI included), Anthropic Messages,
Gemini / Vertex AI and Bedrock Converse bodies at the TOP level of each record (a record that
wraps the body in a ``response`` field is a native log, read by ``native``). All shapes go
through ``queries/ingest_raw_response.sql``; token rules come from ``queries/token_rules.sql``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llmfinops import sqlfiles
from llmfinops.ingest.jsoninput import first_record, head_matches, stage_records
from llmfinops.ingest.sources import SourceFile

if TYPE_CHECKING:
    from llmfinops.ingest.context import ReadContext

_OPENAI_OBJECTS = ("chat.completion", "response", "text_completion")


def is_response(rec: dict[str, Any]) -> bool:
    """Whether a JSON object is a provider response body (not a log record wrapping one)."""
    usage = rec.get("usage")
    if rec.get("object") in _OPENAI_OBJECTS and "usage" in rec:
        return True
    if rec.get("type") == "message" and rec.get("role") == "assistant" and "usage" in rec:
        return True
    if "usageMetadata" in rec and ("candidates" in rec or "modelVersion" in rec):
        return True
    return isinstance(usage, dict) and "inputTokens" in usage and ("output" in rec or "stopReason" in rec)


class RawResponseIngester:
    name = "raw_response"
    description = (
        "Provider response bodies as logged (OpenAI, Azure OpenAI, Anthropic, Gemini, Bedrock Converse), "
        "one per line or pretty-printed."
    )
    resumable = True  # JSON Lines resume; a document is read again whole (its ids make that a no-op)

    def sniff(self, src: SourceFile, head: bytes) -> bool:
        rec = first_record(head)
        if rec is not None:
            return is_response(rec)
        # A document larger than the sniffed head: SDKs serialise the body's id first.
        return head_matches(head, r'\A\s*\{\s*"id"\s*:\s*"(chatcmpl-|resp_|msg_)')

    def read(self, src: SourceFile, ctx: ReadContext) -> None:
        sql = sqlfiles.load("ingest_raw_response")
        params = {"source_file": src.name}
        stage_records(src, ctx, sql, params)


INGESTER = RawResponseIngester()
