"""AWS Bedrock model-invocation logs, as delivered to S3 (gzipped JSON) or exported from CloudWatch.

A file may hold one record, one record per line, or records written one after another; all are
read the same way (``llmfinops.ingest.jsoninput``). Prompt and answer bodies are never read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmfinops import sqlfiles
from llmfinops.ingest.jsoninput import head_matches, stage_records
from llmfinops.ingest.sources import SourceFile

if TYPE_CHECKING:
    from llmfinops.ingest.context import ReadContext


class BedrockIngester:
    name = "bedrock"
    description = "AWS Bedrock model-invocation logs (JSON or gzipped JSON, one or many records per file)."
    resumable = True

    def sniff(self, src: SourceFile, head: bytes) -> bool:
        # Every record starts with its schema marker; the bodies after it can exceed the head.
        return head_matches(head, r"\A\s*[\[{]", r'"schemaType"\s*:\s*"ModelInvocationLog"')

    def read(self, src: SourceFile, ctx: ReadContext) -> None:
        sql = sqlfiles.load("ingest_bedrock")
        params = {"source_file": src.name}
        stage_records(src, ctx, sql, params)


INGESTER = BedrockIngester()
