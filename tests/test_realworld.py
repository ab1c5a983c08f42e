# ruff: noqa: E501  (the hand-worked table keeps one record and its arithmetic per line)
"""Every public recorded response and log line in tests/cases/realworld/ (copied from the shared
set, provenance per file in its README.md), ingested as a user would, each priced right or flagged.

Expected tokens follow each provider's documented usage rule (queries/token_rules.sql says which),
and expected costs are worked by hand from the pinned catalog's list prices, named per case as
"genai-prices 0.2.3: <provider>/<catalog model> ..." (USD per million tokens unless noted; read from
genai_prices.data when the test was written). A cost is (tokens x $/MTok) summed, / 1e6.
Columns compared: provider, model, input, cached, cache writes, 1h writes, output, reasoning,
cost_usd, cost_source, catalog_cost_usd, price_flags, extra_units.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import CASES, rows

from llmfinops.ingest.pipeline import ingest_paths

REALWORLD = CASES / "realworld"
COLUMNS = (
    "provider, model, input_tokens, cached_input_tokens, cache_write_tokens, cache_write_1h_tokens, "
    "output_tokens, reasoning_tokens, cost_usd, cost_source, catalog_cost_usd, price_flags, extra_units"
)
NO_FLAGS: list[str] = []


def priced(warehouse, rel: str) -> list[tuple]:
    summary = ingest_paths(warehouse, [REALWORLD / rel])
    assert summary.quarantined_total == 0, summary.quarantined
    return [tuple(r.values()) for r in rows(warehouse, f"SELECT {COLUMNS} FROM calls ORDER BY ts, call_id")]


def same(got: list[tuple], want: list[tuple]) -> None:
    assert len(got) == len(want), got
    for g, w in zip(got, want, strict=True):
        assert g[:8] == w[:8], g
        for i in (8, 10):  # money: 1e-6 relative
            assert (g[i] is None) == (w[i] is None), g
            if w[i] is not None:
                assert g[i] == pytest.approx(w[i], rel=1e-6), g
        assert g[9] == w[9], g
        assert list(g[11] or []) == w[11], g
        assert (dict(g[12]) if g[12] else None) == w[12], g


# fmt: off
CASES_TABLE = [
    # --- OpenAI (Chat: prompt_tokens includes cached/written/audio; completion includes reasoning) ---
    ("raw_response/oa_chat_plain.json", [
        # genai-prices 0.2.3: openai/gpt-4o $2.50 in, $10 out: 48*2.5 + 14*10 = 120 + 140 = 260
        ("openai", "gpt-4o-2024-08-06", 48, 0, 0, 0, 14, 0, 260e-6, "catalog", 260e-6, NO_FLAGS, None)]),
    ("raw_response/oa_chat_reasoning.json", [
        # openai/o3-mini $1.10 in, $4.40 out; the 448 reasoning tokens are inside the 467:
        # 31*1.1 + 467*4.4 = 34.1 + 2054.8 = 2088.9
        ("openai", "o3-mini-2025-01-31", 31, 0, 0, 0, 467, 448, 2088.9e-6, "catalog", 2088.9e-6, NO_FLAGS, None)]),
    ("raw_response/oa_chat_cached.json", [
        # openai/gpt-5.6-sol before 2026-08-21 (created 2026-07-15): $5 in, $0.50 cache read, $30 out:
        # (4020-4012)*5 + 4012*0.5 + 4*30 = 40 + 2006 + 120 = 2166
        ("openai", "gpt-5.6-sol", 4020, 4012, 0, 0, 4, 0, 2166e-6, "catalog", 2166e-6, NO_FLAGS, None)]),
    ("raw_response/oa_chat_cache_write.json", [
        # gpt-5.6-sol $6.25 cache write: 8*5 + 4012*6.25 + 4*30 = 40 + 25075 + 120 = 25235
        ("openai", "gpt-5.6-sol", 4020, 0, 4012, 0, 4, 0, 25235e-6, "catalog", 25235e-6, NO_FLAGS, None)]),
    ("raw_response/oa_chat_audio_in.json", [
        # openai/gpt-4o-audio-preview text $2.50 in / $10 out; audio $40 in (the catalog lacks it: gap-fill
        # from developers.openai.com/api/docs/models/gpt-4o-audio-preview). 69 of the 81 prompt tokens
        # are audio: 12*2.5 + 69*40 + 72*10 = 30 + 2760 + 720 = 3510
        ("openai", "gpt-4o-audio-preview-2024-12-17", 81, 0, 0, 0, 72, 0, 3510e-6, "catalog", 3510e-6, NO_FLAGS,
         {"audio_input_tokens": 69})]),
    ("raw_response/oa_resp_cached_reasoning.json", [
        # Responses: input includes cached. openai/gpt-5 $1.25 in, $0.125 cache read, $10 out:
        # (12594-3200)*1.25 + 3200*0.125 + 1150*10 = 11742.5 + 400 + 11500 = 23642.5
        ("openai", "gpt-5-2025-08-07", 12594, 3200, 0, 0, 1150, 1088, 23642.5e-6, "catalog", 23642.5e-6,
         NO_FLAGS, None)]),
    ("raw_response/oa_resp_cache_write.json", [
        # gpt-5.6-sol (created 2026-07-24): $5 in, $6.25 write, $30 out, web searches $10 per 1,000
        # (tool_usage.web_search.num_requests = 1): 4158*5 + 4418*6.25 + 52*30 + 1*10/1000*1e6
        # = 20790 + 27612.5 + 1560 + 10000 = 59962.5
        ("openai", "gpt-5.6-sol", 8576, 0, 4418, 0, 52, 32, 59962.5e-6, "catalog", 59962.5e-6, NO_FLAGS,
         {"web_search_requests": 1})]),
    ("raw_response/oa_resp_compaction.json", [
        # a response.compaction object is billed usage: openai/gpt-4o-mini $0.15 in, $0.60 out:
        # 156*0.15 + 190*0.6 = 23.4 + 114 = 137.4
        ("openai", "gpt-4o-mini", 156, 0, 0, 0, 190, 0, 137.4e-6, "catalog", 137.4e-6, NO_FLAGS, None)]),
    ("raw_response/azure_chat.json", [
        # prompt_filter_results -> azure; azure/gpt-4o $2.50 in, $10 out: 14*2.5 + 9*10 = 35 + 90 = 125
        ("azure", "gpt-4o-2024-11-20", 14, 0, 0, 0, 9, 0, 125e-6, "catalog", 125e-6, NO_FLAGS, None)]),
    # --- Anthropic (input_tokens excludes cache reads and writes; thinking inside output) ---------------
    ("raw_response/an_plain.json", [
        # anthropic/claude-sonnet-4-6 from 2026-03-13: $3 in, $15 out: 4727*3 + 278*15 = 14181 + 4170 = 18351
        ("anthropic", "claude-sonnet-4-6", 4727, 0, 0, 0, 278, 0, 18351e-6, "catalog", 18351e-6, NO_FLAGS, None)]),
    ("raw_response/an_cache_read_write.json", [
        # input 10 + 4332 read + 4513 5m-written = 8855; $0.30 read, $3.75 5m write:
        # 10*3 + 4332*0.3 + 4513*3.75 + 211*15 = 30 + 1299.6 + 16923.75 + 3165 = 21418.35
        ("anthropic", "claude-sonnet-4-6", 8855, 4332, 4513, 0, 211, 0, 21418.35e-6, "catalog", 21418.35e-6,
         NO_FLAGS, None)]),
    ("raw_response/an_cache_read.json", [
        # anthropic/claude-sonnet-4-5 (<= 200k tier): $3 in, $0.30 read, $15 out:
        # 3*3 + 1111*0.3 + 414*15 = 9 + 333.3 + 6210 = 6552.3
        ("anthropic", "claude-sonnet-4-5-20250929", 1114, 1111, 0, 0, 414, 0, 6552.3e-6, "catalog", 6552.3e-6,
         NO_FLAGS, None)]),
    ("raw_response/an_thinking.json", [
        # 112 thinking tokens inside the 162 output: 51*3 + 162*15 = 153 + 2430 = 2583
        ("anthropic", "claude-sonnet-4-5-20250929", 51, 0, 0, 0, 162, 112, 2583e-6, "catalog", 2583e-6, NO_FLAGS,
         None)]),
    ("raw_response/an_web_search.json", [
        # anthropic/claude-sonnet-4-0 $3 in, $15 out, web searches $10 per 1,000:
        # 8984*3 + 520*15 + 1*10000 = 26952 + 7800 + 10000 = 44752
        ("anthropic", "claude-sonnet-4-20250514", 8984, 0, 0, 0, 520, 0, 44752e-6, "catalog", 44752e-6, NO_FLAGS,
         {"web_search_requests": 1})]),
    ("raw_response/an_web_search_long_ctx.json", [
        # 401,468 input > 200k: the whole request at claude-sonnet-4-5's tier, $6 in / $22.50 out;
        # 10 searches at $10 per 1,000: 401468*6 + 792*22.5 + 10*10000 = 2408808 + 17820 + 100000 = 2526628
        ("anthropic", "claude-sonnet-4-5-20250929", 401468, 0, 0, 0, 792, 0, 2.526628, "catalog", 2.526628,
         NO_FLAGS, {"web_search_requests": 10})]),
    ("raw_response/an_compaction.json", [
        # usage.iterations: compaction 55196 in / 125 out + message 220 in / 8 out, all billed
        # (the top-level counts are the message step only): 55416*3 + 133*15 = 166248 + 1995 = 168243
        ("anthropic", "claude-sonnet-4-6", 55416, 0, 0, 0, 133, 0, 168243e-6, "catalog", 168243e-6, NO_FLAGS,
         None)]),
    ("raw_response/an_compaction_cache.json", [
        # compaction 100 in + 55096 5m-written / 131 out, message 229 in / 5 out:
        # (100+229)*3 + 55096*3.75 + 136*15 = 987 + 206610 + 2040 = 209637
        ("anthropic", "claude-sonnet-4-6", 55425, 0, 55096, 0, 136, 0, 209637e-6, "catalog", 209637e-6, NO_FLAGS,
         None)]),
    ("raw_response/an_on_bedrock_invoke.json", [
        # id msg_bdrk_...: an Anthropic body returned by Bedrock (eu. regional profile) -> aws;
        # aws/regional.anthropic.claude-haiku-4-5 $1.10 in, $0.11 read, $5.50 out:
        # 3*1.1 + 9511*0.11 + 1944*5.5 = 3.3 + 1046.21 + 10692 = 11741.51
        ("aws", "claude-haiku-4-5-20251001", 9514, 9511, 0, 0, 1944, 0, 11741.51e-6, "catalog", 11741.51e-6,
         NO_FLAGS, None)]),
    # --- Gemini / Vertex (prompt includes cached; thoughts outside candidates; modality details) ---------
    ("raw_response/gm_thoughts.json", [
        # google/gemini-2.5-flash $0.30 in, $2.50 out: 154*0.3 + (34+117)*2.5 = 46.2 + 377.5 = 423.7
        ("google", "gemini-2.5-flash", 154, 0, 0, 0, 151, 117, 423.7e-6, "catalog", 423.7e-6, NO_FLAGS, None)]),
    ("raw_response/gm_cached_image.json", [
        # image prompt tokens: gemini-2.5-flash has no image price of its own (Google bills text, image
        # and video input at one price), so $0.30 / $0.03 cached: 169*0.3 + 204*0.03 + 256*2.5
        # = 50.7 + 6.12 + 640 = 696.82
        ("google", "gemini-2.5-flash", 373, 204, 0, 0, 256, 167, 696.82e-6, "catalog", 696.82e-6, NO_FLAGS,
         {"image_input_tokens": 258, "image_cached_input_tokens": 141})]),
    ("raw_response/gm_audio_video_cached.json", [
        # gemini-2.5-flash audio $1.00 in, $0.10 cached audio; text/video $0.30, cached $0.03; out $2.50.
        # uncached: 17713-17379 = 334, of which audio 1917-1881 = 36 -> 298 text/video;
        # cached: 17379, of which audio 1881 -> 15498 text/video.
        # 298*0.3 + 36*1 + 15498*0.03 + 1881*0.1 + (68+821)*2.5 = 89.4 + 36 + 464.94 + 188.1 + 2222.5 = 3000.94
        ("google", "gemini-2.5-flash", 17713, 17379, 0, 0, 889, 821, 3000.94e-6, "catalog", 3000.94e-6, NO_FLAGS,
         {"audio_input_tokens": 1917, "audio_cached_input_tokens": 1881, "video_input_tokens": 15780,
          "video_cached_input_tokens": 15483})]),
    ("raw_response/gm_image_out.json", [
        # google/gemini-2.5-flash-image $0.30 in, $2.50 text out, $30 image out (1290 of 1336):
        # 17*0.3 + 46*2.5 + 1290*30 = 5.1 + 115 + 38700 = 38820.1
        ("google", "gemini-2.5-flash-image", 17, 0, 0, 0, 1336, 0, 38820.1e-6, "catalog", 38820.1e-6, NO_FLAGS,
         {"image_output_tokens": 1290})]),
    ("raw_response/gm_tool_use.json", [
        # toolUsePromptTokenCount is billed input: 95 + 439 = 534; google/gemini-3-flash-preview
        # (from 2026-01-05) $0.50 in, $3 out: 534*0.5 + (66+132)*3 = 267 + 594 = 861
        ("google", "gemini-3-flash-preview", 534, 0, 0, 0, 198, 132, 861e-6, "catalog", 861e-6, NO_FLAGS, None)]),
    ("raw_response/vx_audio_in.json", [
        # gemini-3-flash-preview $0.50 text in, $1.00 audio in, $3 out: 168*0.5 + 113*1 + 158*3
        # = 84 + 113 + 474 = 671
        ("google", "gemini-3-flash-preview", 281, 0, 0, 0, 158, 124, 671e-6, "catalog", 671e-6, NO_FLAGS,
         {"audio_input_tokens": 113})]),
    ("raw_response/vx_flex.json", [
        # trafficType ON_DEMAND_FLEX: the catalog has no flex price for this model -> flagged, standard
        # parts priced: 5*0.5 + 52*3 = 2.5 + 156 = 158.5
        ("google", "gemini-3-flash-preview", 5, 0, 0, 0, 52, 51, 158.5e-6, "catalog", 158.5e-6,
         ["unpriced:service_tier=flex"], None)]),
    # --- Bedrock Converse (inputTokens excludes cache reads and writes) ----------------------------------
    ("raw_response/br_cache_write.json", [
        # us. profile (region_scope 'us'): the geo/in-region price is the global one x 1.1 ("Global
        # cross-Region inference for Anthropic's Claude Sonnet 4.5 offers approximately 10% savings on
        # both input and output token pricing compared to geographic cross-Region inference",
        # https://docs.aws.amazon.com/bedrock/latest/userguide/global-cross-region-inference.html).
        # genai-prices' aws/regional.anthropic.claude-sonnet-4-5 carries it: $3.30 = 3 x 1.1 in,
        # $4.125 = 3.75 x 1.1 5m write, $16.50 = 15 x 1.1 out (applied once, no modifier row on top):
        # 3*3.3 + 1712*4.125 + 227*16.5 = 9.9 + 7062 + 3745.5 = 10817.4 = (9 + 6420 + 3405) * 1.1
        ("aws", "claude-sonnet-4-5-20250929", 1715, 0, 1712, 0, 227, 0, 10817.4e-6, "catalog", 10817.4e-6,
         NO_FLAGS, None)]),
    ("raw_response/br_cache_read_write.json", [
        # us. profile, regional x 1.1 as above; $0.33 = 0.30 x 1.1 read:
        # 3*3.3 + 1712*0.33 + 236*4.125 + 121*16.5 = 9.9 + 564.96 + 973.5 + 1996.5 = 3544.86
        # = (9 + 513.6 + 885 + 1815) * 1.1 = 3222.6 * 1.1
        ("aws", "claude-sonnet-4-5-20250929", 1951, 1712, 236, 0, 121, 0, 3544.86e-6, "catalog", 3544.86e-6,
         NO_FLAGS, None)]),
    ("raw_response/br_nova_cache_read.json", [
        # us.amazon.nova-lite-v1:0 -> amazon.nova-lite; aws/amazon.nova-lite-v1:0 $0.06 in, $0.015 read,
        # $0.24 out: 22*0.06 + 2492*0.015 + 13*0.24 = 1.32 + 37.38 + 3.12 = 41.82
        ("aws", "amazon.nova-lite", 2514, 2492, 0, 0, 13, 0, 41.82e-6, "catalog", 41.82e-6, NO_FLAGS, None)]),
    ("raw_response/br_nova_plain.json", [
        # aws/amazon.nova-micro-v1:0 $0.035 in, $0.14 out: 25*0.035 + 4*0.14 = 0.875 + 0.56 = 1.435
        ("aws", "amazon.nova-micro", 25, 0, 0, 0, 4, 0, 1.435e-6, "catalog", 1.435e-6, NO_FLAGS, None)]),
    # --- OpenAI-compatible vendors ------------------------------------------------------------------------
    ("raw_response/deepseek_cache_hit.json", [
        # prompt_cache_hit_tokens 512 of 563. created 1781082253 = 2026-06-10 09:04:13 UTC, inside the
        # catalog's 06:00-10:00 UTC time-of-day price of deepseek/deepseek-v4-flash: $0.30 in, $0.006 hit,
        # $1.20 out: 51*0.3 + 512*0.006 + 116*1.2 = 15.3 + 3.072 + 139.2 = 157.572
        ("deepseek", "deepseek-v4-flash", 563, 512, 0, 0, 116, 60, 157.572e-6, "catalog", 157.572e-6, NO_FLAGS,
         None)]),
    ("raw_response/groq_gpt_oss.json", [
        # x_groq -> groq, the slug kept; groq/openai/gpt-oss-120b $0.15 in, $0.60 out:
        # 84*0.15 + 58*0.6 = 12.6 + 34.8 = 47.4 (not OpenAI's own gpt-oss-120b price)
        ("groq", "openai/gpt-oss-120b", 84, 0, 0, 0, 58, 48, 47.4e-6, "catalog", 47.4e-6, NO_FLAGS, None)]),
    ("raw_response/openrouter_anthropic.json", [
        # id gen-...: OpenRouter; usage.cost is what it billed (reported). Catalog for the same usage,
        # openrouter/anthropic/claude-sonnet-4.5 $3 in, $15 out: 550*3 + 12*15 = 1650 + 180 = 1830
        ("openrouter", "anthropic/claude-4.5-sonnet-20250929", 550, 0, 0, 0, 12, 0, 0.00183, "reported", 1830e-6,
         NO_FLAGS, None)]),
    ("raw_response/openrouter_gemini.json", [
        # openrouter/google/gemini-2.5-flash (before 2026-10-19) $0.30 in, $2.50 out:
        # 211*0.3 + 15*2.5 = 63.3 + 37.5 = 100.8; usage.cost 0.0001008 is the reported cost
        ("openrouter", "google/gemini-2.5-flash", 211, 0, 0, 0, 15, 0, 0.0001008, "reported", 100.8e-6, NO_FLAGS,
         None)]),
    # --- native log lines ---------------------------------------------------------------------------------
    ("native/nt_anthropic_1h_usage.jsonl", [
        # 100 5-minute + 23 1-hour writes; anthropic/claude-sonnet-4-0 $3 in, $3.75 5m, $6 1h, $15 out:
        # 504*3 + 100*3.75 + 23*6 + 97*15 = 1512 + 375 + 138 + 1455 = 3480
        ("anthropic", "claude-sonnet-4-20250514", 627, 0, 123, 23, 97, 0, 3480e-6, "catalog", 3480e-6, NO_FLAGS,
         None)]),
    ("native/nt_xai_native_usage.jsonl", [
        # xAI: completion_tokens (27) EXCLUDES reasoning_tokens (19): output 46; cached_prompt_text_tokens
        # 162 of 181. x-ai/grok-4-fast-reasoning $0.20 in, $0.05 cached, $0.50 out:
        # 19*0.2 + 162*0.05 + 46*0.5 = 3.8 + 8.1 + 23 = 34.9
        ("x-ai", "grok-4-fast-reasoning", 181, 162, 0, 0, 46, 19, 34.9e-6, "catalog", 34.9e-6, NO_FLAGS, None)]),
    ("native/nt_openrouter_cache_write.jsonl", [
        # openrouter/anthropic/claude-sonnet-4.6 $3 in, $3.75 write, $15 out; no audio price for it, so
        # the 17 audio prompt and 23 audio output tokens are left out and flagged:
        # (4819-4800-17)*3 + 4800*3.75 + (1906-23)*15 = 6 + 18000 + 28245 = 46251
        ("openrouter", "anthropic/claude-4.6-sonnet-20260217", 4819, 0, 4800, 0, 1906, 1200, 46251e-6, "catalog",
         46251e-6, ["unpriced:audio_input_tokens", "unpriced:audio_output_tokens"],
         {"audio_input_tokens": 17, "audio_output_tokens": 23})]),
    ("native/nt_response_gemini.jsonl", [
        # the embedded response: as gm_thoughts.json, 423.7
        ("google", "gemini-2.5-flash", 154, 0, 0, 0, 151, 117, 423.7e-6, "catalog", 423.7e-6, NO_FLAGS, None)]),
    ("native/nt_response_anthropic.jsonl", [
        # the embedded response: as an_cache_read_write.json, 21418.35
        ("anthropic", "claude-sonnet-4-6", 8855, 4332, 4513, 0, 211, 0, 21418.35e-6, "catalog", 21418.35e-6,
         NO_FLAGS, None)]),
    # --- OpenAI Batch output (50% batch discount, config default) ---------------------------------------
    ("openai_batch/batch_docs_example.jsonl", [
        # openai/gpt-3.5-turbo $0.50 in, $1.50 out (its catalog batch variant starts 2026-10-14, after
        # this 2024 call): (22*0.5 + 2*1.5) * 0.5 = 14 * 0.5 = 7
        ("openai", "gpt-3.5-turbo-0125", 22, 0, 0, 0, 2, 0, 7e-6, "catalog", 7e-6, NO_FLAGS, None)]),
    ("openai_batch/batch_litellm_fixture.jsonl", [
        # gpt-4o-mini $0.15 in, $0.60 out, halved: (20*0.15 + 10*0.6)/2 = 4.5; (22*0.15 + 10*0.6)/2 = 4.65
        ("openai", "gpt-4o-mini-2024-07-18", 20, 0, 0, 0, 10, 0, 4.5e-6, "catalog", 4.5e-6, NO_FLAGS, None),
        ("openai", "gpt-4o-mini-2024-07-18", 22, 0, 0, 0, 10, 0, 4.65e-6, "catalog", 4.65e-6, NO_FLAGS, None)]),
    # --- Bedrock invocation logs ----------------------------------------------------------------------------
    ("bedrock/bl_nova_lite_converse_stream.json", [
        # amazon.nova-lite-v1:0 $0.06 in, $0.24 out: 4*0.06 + 38*0.24 = 0.24 + 9.12 = 9.36
        ("aws", "amazon.nova-lite", 4, 0, 0, 0, 38, 0, 9.36e-6, "catalog", 9.36e-6, NO_FLAGS, None)]),
    ("bedrock/bl_sonnet4_invoke_stream.json", [
        # anthropic.claude-sonnet-4-20250514-v1:0 (in-region) -> aws/regional.anthropic.claude-sonnet-4
        # $3 in, $15 out (the catalog has no start date for it): 1500*3 + 500*15 = 4500 + 7500 = 12000
        ("aws", "claude-sonnet-4-20250514", 1500, 0, 0, 0, 500, 0, 12000e-6, "catalog", 12000e-6, NO_FLAGS, None)]),
    ("bedrock/bl_app_inference_profile.json", [
        # an application inference profile ARN does not name its model: stored unpriced (cost NULL,
        # never 0) under the profile's id, which a [models] alias can map to its model
        ("aws", "application-inference-profile/xyz", 512, 0, 0, 0, 256, 0, None, "unpriced", None,
         ["unpriced:input_tokens", "unpriced:output_tokens"], None)]),
    # --- OpenTelemetry GenAI spans (input inclusive of cache; output of reasoning) ---------------------------
    ("otel/otel_simple_chat.json", [
        # openai/gpt-4 $30 in, $60 out: 52*30 + 47*60 = 1560 + 2820 = 4380
        ("openai", "gpt-4-0613", 52, 0, 0, 0, 47, 0, 4380e-6, "catalog", 4380e-6, NO_FLAGS, None)]),
    ("otel/otel_tool_calls.json", [
        # two model calls (the execute_tool span is not one): 47*30 + 17*60 = 2430; 97*30 + 52*60 = 6030
        ("openai", "gpt-4-0613", 47, 0, 0, 0, 17, 0, 2430e-6, "catalog", 2430e-6, NO_FLAGS, None),
        ("openai", "gpt-4-0613", 97, 0, 0, 0, 52, 0, 6030e-6, "catalog", 6030e-6, NO_FLAGS, None)]),
    ("otel/otel_builtin_tool.json", [
        # 385*30 + 44*60 = 11550 + 2640 = 14190 (the code-interpreter container fee is not in the span:
        # nothing reports it, so nothing can price or flag it)
        ("openai", "gpt-4-0613", 385, 0, 0, 0, 44, 0, 14190e-6, "catalog", 14190e-6, NO_FLAGS, None)]),
    # --- LiteLLM SpendLogs: spend is the reported cost; the catalog's is kept beside it ----------------------
    ("litellm/litellm_gpt4o.json", [
        # openai/gpt-4o: 10*2.5 + 20*10 = 25 + 200 = 225
        ("openai", "gpt-4o", 10, 0, 0, 0, 20, 0, 0.000225, "reported", 225e-6, NO_FLAGS, None)]),
    ("litellm/litellm_claude37.json", [
        # anthropic/claude-3-7-sonnet $3 in, $15 out: 2095*3 + 503*15 = 6285 + 7545 = 13830
        ("anthropic", "claude-3-7-sonnet-20250219", 2095, 0, 0, 0, 503, 0, 0.01383, "reported", 13830e-6, NO_FLAGS,
         None)]),
]
# fmt: on


@pytest.mark.parametrize(("rel", "want"), CASES_TABLE, ids=[Path(c[0]).stem for c in CASES_TABLE])
def test_realworld_record(warehouse, rel, want):
    same(priced(warehouse, rel), want)


def test_claude_code_sessions_keep_costusd_and_price_the_catalog_beside_it(warehouse):
    """cc_session-alpha and cc_session-beta: ccusage's fixture lines (no `type` field, as older
    Claude Code wrote them); costUSD is the reported cost, catalog_cost_usd what the list price gives."""
    ingest_paths(warehouse, [REALWORLD / "claude_code"])
    got = [
        tuple(r.values())
        for r in rows(
            warehouse, f"SELECT {COLUMNS}, speed FROM calls WHERE source = 'claude_code' ORDER BY ts"
        )
    ]
    # fmt: off
    want = [
        # anthropic/claude-sonnet-4-0 $3 in, $0.30 read, $3.75 5m write, $15 out:
        # 100*3 + 10*0.3 + 25*3.75 + 50*15 = 300 + 3 + 93.75 + 750 = 1146.75
        ("anthropic", "claude-sonnet-4-20250514", 135, 10, 25, 0, 50, 0, 0.12, "reported", 1146.75e-6, NO_FLAGS, None),
        # claude-opus-4-0 $15 in, $1.50 read, $18.75 write, $75 out; usage.speed "fast" has no catalog
        # price: flagged. 200*15 + 20*1.5 + 50*18.75 + 75*75 = 3000 + 30 + 937.5 + 5625 = 9592.5
        ("anthropic", "claude-opus-4-20250514", 270, 20, 50, 0, 75, 0, 0.34, "reported", 9592.5e-6,
         ["unpriced:speed=fast"], None),
        # 300*3 + 40*0.3 + 125*15 = 900 + 12 + 1875 = 2787
        ("anthropic", "claude-sonnet-4-20250514", 340, 40, 0, 0, 125, 0, 0.56, "reported", 2787e-6, NO_FLAGS, None),
        # anthropic/claude-haiku-4-5 $1 in, $0.10 read, $1.25 write, $5 out:
        # 50 + 15*0.1 + 5*1.25 + 25*5 = 50 + 1.5 + 6.25 + 125 = 182.75
        ("anthropic", "claude-haiku-4-5-20251001", 70, 15, 5, 0, 25, 0, 0.03, "reported", 182.75e-6, NO_FLAGS, None),
        # 80 + 25*0.1 + 10*1.25 + 35*5 = 80 + 2.5 + 12.5 + 175 = 270
        ("anthropic", "claude-haiku-4-5-20251001", 115, 25, 10, 0, 35, 0, 0.04, "reported", 270e-6, NO_FLAGS, None),
    ]
    # fmt: on
    same([g[:13] for g in got], want)
    assert [g[13] for g in got] == [None, "fast", None, None, None]


def test_every_realworld_file_has_a_test():
    files = {
        str(p.relative_to(REALWORLD))
        for p in REALWORLD.rglob("*")
        if p.is_file() and p.name != "README.md" and "claude_code" not in p.parts
    }
    assert files == {c[0] for c in CASES_TABLE}
    assert (REALWORLD / "README.md").read_text().count("| ") > 50  # the provenance table came along


def test_ingest_summary_counts_the_runs_unpriced_and_partly_priced_calls(warehouse, tmp_path):
    """The summary's counts come from this run's rows only, also when a touched day's stored rows
    are rewritten beside them. Worked from the records above: vx_flex is partly priced (flex), the
    OpenRouter record partly (audio in and out), the profile ARN unpriced; the Claude Code lines
    carry a reported cost, so their flag ("fast") does not make them partly priced."""
    first = ingest_paths(
        warehouse,
        [
            REALWORLD / "raw_response/vx_flex.json",
            REALWORLD / "native/nt_openrouter_cache_write.jsonl",
            REALWORLD / "bedrock/bl_app_inference_profile.json",
            REALWORLD / "claude_code",
        ],
    )
    assert first.unpriced == {"application-inference-profile/xyz": 1}
    assert first.partially_priced == {"anthropic/claude-4.6-sonnet-20260217": 1, "gemini-3-flash-preview": 1}
    assert first.partial_flags == {
        "unpriced:audio_input_tokens": 1,
        "unpriced:audio_output_tokens": 1,
        "unpriced:service_tier=flex": 1,
    }
    # the same flex response under another id, on the same day as the stored one: that day is
    # rewritten with both, and only the new call is counted
    again = tmp_path / "vx_flex_again.json"
    text = (REALWORLD / "raw_response/vx_flex.json").read_text()
    again.write_text(text.replace("T9--adqvDqL4vdIPz7X2iQ4", "T9--another-response-id"))
    second = ingest_paths(warehouse, [again])
    assert second.stored == 1
    assert second.unpriced == {}
    assert second.partially_priced == {"gemini-3-flash-preview": 1}
    assert second.partial_flags == {"unpriced:service_tier=flex": 1}
