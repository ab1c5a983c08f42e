"""Raw provider responses as an application logged them: one per line, or a pretty-printed document.

Recognises OpenAI Chat Completions / Responses / compaction / embeddings / Images / transcription
and Realtime ``response.done`` (Azure OpenAI and the OpenAI-compatible vendors included: xAI,
DeepSeek, Groq, Mistral, OpenRouter), Anthropic Messages (also from Bedrock and Vertex),
Gemini / Vertex AI, Bedrock Converse and Cohere v2 bodies at the TOP level of each record (a record that
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

_OPENAI_OBJECTS = ("chat.completion", "response", "response.compaction", "text_completion")


def is_response(rec: dict[str, Any]) -> bool:
    """Whether a JSON object is a provider response body (not a log record wrapping one)."""
    usage = rec.get("usage")
    if rec.get("object") in _OPENAI_OBJECTS and "usage" in rec:
        return True
    if rec.get("object") == "list" and isinstance(usage, dict) and "prompt_tokens" in usage:
        return True  # OpenAI-style embeddings
    if rec.get("type") == "response.done" and isinstance(rec.get("response"), dict):
        return True  # OpenAI Realtime server event
    if rec.get("type") == "message" and rec.get("role") == "assistant" and "usage" in rec:
        return True
    if "usageMetadata" in rec and ("candidates" in rec or "modelVersion" in rec):
        return True
    if isinstance(usage, dict) and "billed_units" in usage:
        return True  # Cohere v2 chat
    meta = rec.get("meta")
    if isinstance(meta, dict) and "billed_units" in meta and "id" in rec:
        return True  # Cohere embed
    if (
        isinstance(usage, dict)
        and "input_tokens" in usage
        and ("input_tokens_details" in usage or "input_token_details" in usage)
    ):
        return "created" in rec or usage.get("type") == "tokens"  # OpenAI Images / transcription
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
        return head_matches(head, r'\A\s*\{\s*"id"\s*:\s*"(chatcmpl-|resp_|msg_|gen-)')

    def read(self, src: SourceFile, ctx: ReadContext) -> None:
        sql = sqlfiles.load("ingest_raw_response")
        params = {"source_file": src.name}
        stage_records(src, ctx, sql, params)


INGESTER = RawResponseIngester()
