"""The ingesters: one module per input format, each with the same small contract, listed in one table.

An ingester has a ``name`` (what ``--source`` takes), a one-line ``description``, a ``sniff``
that recognises a file from its name and first bytes, and a ``read`` that turns the file into
canonical rows by handing SQL to :meth:`ReadContext.stage` (see ``llmfinops.ingest.context``).
Detection asks each ingester in table order; the first that claims a file reads it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from llmfinops.errors import InputError
from llmfinops.ingest import (
    anthropic_costs,
    anthropic_usage,
    bedrock,
    claude_code,
    litellm,
    native,
    openai_batch,
    openai_costs,
    openai_usage,
    otel,
    raw_response,
)

if TYPE_CHECKING:
    from llmfinops.ingest.context import ReadContext
    from llmfinops.ingest.sources import SourceFile


class Ingester(Protocol):
    name: str
    description: str
    # Whether a file that only grew can be read from where the last run stopped.
    resumable: bool

    def sniff(self, src: SourceFile, head: bytes) -> bool: ...

    def read(self, src: SourceFile, ctx: ReadContext) -> None: ...


# Order matters: specific formats first, the permissive native format last.
INGESTERS: dict[str, Ingester] = {
    i.name: i
    for i in (
        claude_code.INGESTER,
        openai_batch.INGESTER,
        bedrock.INGESTER,
        otel.INGESTER,
        litellm.INGESTER,
        raw_response.INGESTER,
        openai_usage.INGESTER,
        openai_costs.INGESTER,
        anthropic_usage.INGESTER,
        anthropic_costs.INGESTER,
        native.INGESTER,
    )
}


def get(name: str) -> Ingester:
    try:
        return INGESTERS[name]
    except KeyError:
        known = ", ".join(INGESTERS)
        raise InputError(f"unknown source {name!r}; known sources: {known}") from None


def detect(src: SourceFile) -> Ingester | None:
    """The ingester for a file, or None when no ingester recognises it."""
    head = src.head()
    for ingester in INGESTERS.values():
        if ingester.sniff(src, head):
            return ingester
    return None
