"""OpenAI Batch API output files: ``{id, custom_id, response: {status_code, request_id, body}, error}``.

Each line's ``body`` is the endpoint's own response, so its usage goes through the same token
rule as a live response; the row is marked ``batch`` so pricing applies the batch discount.
See ``queries/ingest_openai_batch.sql`` for ids, time and failed requests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmfinops import sqlfiles
from llmfinops.ingest.jsoninput import first_record, stage_records
from llmfinops.ingest.sources import SourceFile

if TYPE_CHECKING:
    from llmfinops.ingest.context import ReadContext


class OpenAIBatchIngester:
    name = "openai_batch"
    description = "OpenAI Batch API output/error files (JSONL from the batch's output_file_id)."
    resumable = True

    def sniff(self, src: SourceFile, head: bytes) -> bool:
        rec = first_record(head)
        if rec is None or "custom_id" not in rec:
            return False
        response = rec.get("response")
        if "response" in rec and "error" in rec:  # an output or error line
            return response is None or (isinstance(response, dict) and "status_code" in response)
        # A batch INPUT file: claimed so its requests are skipped rather than quarantined as calls.
        return {"method", "url", "body"} <= rec.keys()

    def read(self, src: SourceFile, ctx: ReadContext) -> None:
        sql = sqlfiles.load("ingest_openai_batch")
        params = {"source_file": src.name}
        stage_records(src, ctx, sql, params)


INGESTER = OpenAIBatchIngester()
