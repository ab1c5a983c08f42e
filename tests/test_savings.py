"""``savings``: each kind planted in its own feature of a hand-built fortnight, a lean feature that
gets nothing, and every listed opportunity's ``whatif`` run to reproduce its ``savings_usd``.

The period is ISO week 2026-W47; W46 is "the period before" for response_cache and
prompt_regression. Prices (genai-prices 0.2.3, per MTok): gpt-4o $2.50 in / $1.25 cached /
$10 out; gpt-4o-mini $0.15 / $0.075 / $0.60; claude-sonnet-4-20250514 $3 / $0.30 / $15;
claude-3-5-haiku-20241022 $0.80 / $0.08 / $4. Batch: 50% off (OpenAI, Anthropic).
"""

from __future__ import annotations

import json
import math
import shlex
from datetime import datetime, timedelta

import pytest

from llmfinops.config import parse_config
from llmfinops.ingest.pipeline import ingest_paths
from llmfinops.metrics import resolve_period
from llmfinops.savings import savings
from llmfinops.store import connect

W47 = resolve_period("2026-W47", None, None)
CONFIG = {"agents": {"task_budget_usd": 5.0}}  # agenty's long-context tasks are not runaways by cost
HAIKU, SONNET = "claude-3-5-haiku-20241022", "claude-sonnet-4-20250514"
_ids = iter(range(1_000_000))


def at(day: str, minute: int) -> str:
    return (datetime.fromisoformat(f"{day}T08:00:00+00:00") + timedelta(minutes=minute)).isoformat()


def call(feature: str, model: str, ts: str, inp: int, out: int, user: str | None = "u1", **kw) -> dict:
    rec = {"call_id": f"c{next(_ids)}", "ts": ts, "model": model, "input_tokens": inp, "output_tokens": out,
           "feature": feature, "team": "t-" + feature, **kw}  # fmt: skip
    if user:
        rec["user_id"] = user
    return rec


def fixture() -> list[dict]:
    r: list[dict] = []
    mon = "2026-11-16"  # W47
    # short -> route: gpt-4o (mid) answering in 50 tokens (P95 50 < 400); half the input cached
    # (so prompt_cache is not triggered). 40 calls of 20,000 input.
    r += [call("short", "gpt-4o", at(mon, i), 20_000, 50, cached_input_tokens=10_000) for i in range(40)]
    # nightly -> batch: Sonnet 4, no user, not batched; 1,000 input (below the 1,024 cache floor).
    r += [call("nightly", SONNET, at(mon, i), 1_000, 3_000, user=None) for i in range(50)]
    # rag -> prompt_cache: gpt-4o, 50,000 input tokens every call, none cached; outputs 500.
    r += [call("rag", "gpt-4o", at(mon, i), 50_000, 500) for i in range(40)]
    # gen -> output_cap: Haiku (budget: no route), 292 answers of 100 tokens and 8 of 40,000.
    r += [call("gen", HAIKU, at(mon, i), 500, 40_000 if i % 37 == 5 else 100) for i in range(300)]
    # agentx -> step_cap: 19 tasks of 3 steps that succeed and one that loops 40 steps and fails.
    for t in range(20):
        steps = 40 if t == 7 else 3
        for s in range(1, steps + 1):
            last = s == steps
            r.append(call("agentx", HAIKU, at(mon, t * 60 + s), 800, 8_000, task_id=f"x{t}", step=s,
                          task_outcome=("failure" if t == 7 else "success") if last else None))  # fmt: skip
    # agenty -> context_cap: 5-step tasks re-sending their context (step i sends i x growth, the
    # part sent before read from the cache): growth 10,000 for 57 tasks, 40,000 for 3 of 60.
    for t in range(60):
        growth = 40_000 if t % 20 == 0 else 10_000
        for s in range(1, 6):
            r.append(call("agenty", SONNET, at("2026-11-17", t * 10 + s), growth * s, 500, task_id=f"y{t}",
                          step=s, cached_input_tokens=growth * (s - 1),
                          task_outcome="success" if s == 5 else None))  # fmt: skip
    # faq -> response_cache: hit rate 50% in W46, 10% in W47; Haiku, 500 in, 5,000 out.
    r += [call("faq", HAIKU, at("2026-11-10", i), 500, 5_000, cache_hit=i % 2 == 0) for i in range(150)]
    r += [call("faq", HAIKU, at(mon, i), 500, 5_000, cache_hit=i % 10 == 0) for i in range(150)]
    # writer -> prompt_regression: writer-v1 tasks took 1 call in W46, writer-v2 takes 2 in W47.
    for t in range(60):
        r.append(
            call(
                "writer",
                HAIKU,
                at("2026-11-10", t),
                500,
                5_000,
                task_id=f"w1-{t}",
                prompt_version="writer-v1",
            )
        )
        for s in (1, 2):
            r.append(call("writer", HAIKU, at(mon, t * 3 + s), 500, 5_000, task_id=f"w2-{t}", step=s,
                          prompt_version="writer-v2"))  # fmt: skip
    # lean: gpt-4o-mini, short prompts, steady outputs, users, no tasks: nothing to gain.
    r += [call("lean", "gpt-4o-mini", at(mon, i), 500, 100) for i in range(100)]
    return r


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from llmfinops.store import Warehouse

    root = tmp_path_factory.mktemp("savings")
    (root / "calls.jsonl").write_text("".join(json.dumps(x) + "\n" for x in fixture()))
    wh = Warehouse.at(root / "wh")
    assert ingest_paths(wh, [root / "calls.jsonl"]).quarantined_total == 0
    (root / "llmfinops.toml").write_text("[agents]\ntask_budget_usd = 5.0\n")
    return wh


@pytest.fixture(scope="module")
def listed(store) -> list[dict]:
    con = connect(store)
    try:
        return savings(con, period=W47, config=parse_config(CONFIG)).to_pylist()
    finally:
        con.close()


def test_each_planted_kind_is_found_and_the_lean_feature_gets_nothing(listed):
    assert sorted((r["kind"], r["feature"]) for r in listed) == [
        ("batch", "nightly"),
        ("context_cap", "agenty"),
        ("output_cap", "gen"),
        ("prompt_cache", "rag"),
        ("prompt_regression", "writer"),
        ("response_cache", "faq"),
        ("route", "short"),
        ("step_cap", "agentx"),
    ]
    by_kind = {r["kind"]: r for r in listed}
    assert by_kind["route"]["whatif"] == "--route short=openai:gpt-4o-mini"
    assert by_kind["batch"]["whatif"] == "--batch nightly"
    assert by_kind["prompt_cache"]["whatif"] == "--cache rag=0.5"
    # quantile_disc(0.95) of 300 outputs: the 285th smallest of 292 x 100 and 8 x 40,000 = 100
    assert by_kind["output_cap"]["whatif"] == "--cap-output gen=100"
    # successful tasks all took 3 steps: cap 3
    assert by_kind["step_cap"]["whatif"] == "--step-cap agentx=3"
    # successful tasks' largest input: 57 x 50,000 and 3 x 200,000; the ceil(0.95 x 60) = 57th is 50,000
    assert by_kind["context_cap"]["whatif"] == "--cap-context agenty=50000"
    assert by_kind["response_cache"]["whatif"] is None and by_kind["prompt_regression"]["whatif"] is None
    assert [r["savings_usd"] for r in listed] == sorted((r["savings_usd"] for r in listed), reverse=True)
    assert {r["team"] for r in listed} == {"t-" + r["feature"] for r in listed}


def test_hand_worked_dollars(listed):
    by_kind = {r["kind"]: r for r in listed}
    # batch: 50 x (1,000 x 3 + 3,000 x 15) = 50 x 48,000 = $2.40, half of it saved
    assert math.isclose(by_kind["batch"]["savings_usd"], 1.2, rel_tol=1e-9)
    assert math.isclose(by_kind["batch"]["share_of_feature_cost"], 0.5, rel_tol=1e-9)
    # step cap 3: the runaway task's calls 4..40 dropped: 37 x (800 x 0.80 + 8,000 x 4) = 37 x 32,640
    assert math.isclose(by_kind["step_cap"]["savings_usd"], 37 * 32_640 / 1e6, rel_tol=1e-9)
    assert by_kind["step_cap"]["risk"] == "0 of 19 successful tasks (0.0%) ran more than 3 steps"
    # output cap 100: 8 generations of 40,000 cut to 100: 8 x 39,900 x 4 = $1.2768
    assert math.isclose(by_kind["output_cap"]["savings_usd"], 8 * 39_900 * 4 / 1e6, rel_tol=1e-9)
    assert by_kind["output_cap"]["risk"] == "8 of 300 model calls (2.7%) would be cut at 100 tokens"
    # response cache: hit rate 50% -> 10% (a 0.4 drop) x 150 calls x the cost of a model call
    # (500 x 0.80 + 5,000 x 4 = $0.0204)
    assert math.isclose(by_kind["response_cache"]["savings_usd"], 0.4 * 150 * 0.0204, rel_tol=1e-9)
    # prompt regression: $0.0408 per successful task now, $0.0204 before, x 60 successful tasks
    assert math.isclose(by_kind["prompt_regression"]["savings_usd"], 0.0204 * 60, rel_tol=1e-9)
    # monthly: a week's savings x 30 / 7
    for r in listed:
        assert math.isclose(r["monthly_savings_usd"], r["savings_usd"] * 30 / 7, rel_tol=1e-12)


def test_every_listed_whatif_reproduces_its_savings(store, listed, cli):
    config = store.root.parent / "llmfinops.toml"
    for r in listed:
        if r["whatif"] is None:
            continue
        code, out, err = cli(
            "whatif",
            "-w",
            store.root,
            "-c",
            config,
            "-p",
            "2026-W47",
            *shlex.split(r["whatif"]),
            "-f",
            "json",
        )
        assert code == 0, err
        row = next(x for x in json.loads(out) if x["feature"] == r["feature"])
        assert math.isclose(row["savings_usd"], r["savings_usd"], rel_tol=1e-12), (r, row)


def test_cli_formats(store, cli):
    config = store.root.parent / "llmfinops.toml"
    code, out, _ = cli("savings", "-w", store.root, "-c", config, "-p", "2026-W47", "-f", "csv")
    assert code == 0
    assert out.splitlines()[0] == (
        "kind,feature,team,savings_usd,monthly_savings_usd,share_of_feature_cost,evidence,risk,whatif"
    )
    code, out, _ = cli("savings", "-w", store.root, "-c", config, "-p", "2026-W47")
    assert code == 0 and "8 opportunities" in out
    code, out, _ = cli("savings", "-w", store.root, "-c", config, "-p", "2026-W40")
    assert code == 0 and "No opportunity above the noise floor" in out
