"""``llmfinops savings``: the opportunities in a period, ranked by dollars, each with the figures
that triggered it, the quality risk the logs show, and the whatif options that reproduce it.

A kind whose lever is a scenario (route, batch, prompt_cache, output_cap, step_cap, context_cap)
gets its dollars from :func:`llmfinops.whatif.whatif` itself — the feature's ``savings_usd``
under exactly the options printed in ``whatif`` — so running them reproduces the figure.
response_cache and prompt_regression have no scenario: their dollars are the measured change.
Thresholds: ``[savings]`` (llmfinops/analysis_settings.py, docs/savings.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import duckdb
import pyarrow as pa

from llmfinops.config import Config
from llmfinops.period import Period
from llmfinops.savings.signals import Signals, gather
from llmfinops.whatif import Rule, Scenario, Scope, whatif

NONE_KNOWN = "none known"

SCHEMA = pa.schema(
    [
        ("kind", pa.string()),
        ("feature", pa.string()),
        ("team", pa.string()),
        ("savings_usd", pa.float64()),
        ("monthly_savings_usd", pa.float64()),
        ("share_of_feature_cost", pa.float64()),
        ("evidence", pa.string()),
        ("risk", pa.string()),
        ("whatif", pa.string()),
    ]
)


@dataclass(frozen=True)
class Candidate:
    kind: str
    feature: str
    evidence: str
    risk: str
    rules: tuple[Rule, ...] = ()  # empty: measured, no scenario reproduces it
    measured_usd: float | None = None


def savings(con: duckdb.DuckDBPyConnection, *, period: Period, config: Config | None = None) -> pa.Table:
    """The period's opportunities, largest ``savings_usd`` first (ties by kind, then feature)."""
    config = config or Config()
    signals = gather(con, period, config)
    rows = []
    for cand in candidates(signals, config):
        feature = signals.features.get(cand.feature)
        if feature is None:
            continue
        if cand.rules:
            scenario = Scenario(cand.rules)
            result = {
                r["feature"]: r
                for r in whatif(con, scenario, period=period, group_by="feature", config=config).to_pylist()
            }.get(cand.feature)
            if result is None:
                continue
            dollars, cost, options = result["savings_usd"], result["cost_usd"], scenario.options()
        else:
            dollars, cost, options = cand.measured_usd or 0.0, feature["cost_usd"], None
        share = dollars / cost if cost else None
        floor = config.analysis.savings
        if dollars < floor.min_savings_usd or share is None or share < floor.min_share:
            continue  # below the noise floor
        rows.append(
            {
                "kind": cand.kind,
                "feature": cand.feature,
                "team": feature["team"],
                "savings_usd": dollars,
                "monthly_savings_usd": dollars * 30 / period.days,
                "share_of_feature_cost": share,
                "evidence": cand.evidence,
                "risk": cand.risk,
                "whatif": options,
            }
        )
    rows.sort(key=lambda r: (-r["savings_usd"], r["kind"], r["feature"]))
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def candidates(signals: Signals, config: Config) -> list[Candidate]:
    """Every opportunity the period's figures trigger, before its dollars are known."""
    out: list[Candidate] = []
    for name in sorted(signals.features):
        for rule in RULES:
            found = rule(name, signals, config)
            if found is not None:
                out.append(found)
    return out


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def _route(name: str, s: Signals, config: Config) -> Candidate | None:
    t = config.analysis.savings
    triggered = []
    for r in s.routes.get(name, []):
        if r["target"] is None or r["target"] in r["models"]:
            continue
        short = r["output_p95"] is not None and r["output_p95"] < t.route_output_p95_max
        close = r["best_budget_success"] is not None and r["best_budget_success"] >= (
            r["success_rate"] - t.route_success_tolerance
        )
        if short or close:
            triggered.append((r, short, close))
    if not triggered:
        return None
    rules: list[Rule] = []
    evidence, risk = [], []
    for r, short, close in triggered:
        if len(triggered) == 1 and r["only_upper"]:
            rules.append(Rule("route", Scope("feature", name), model=r["target"], provider=r["provider"]))
        else:
            for model in r["models"]:
                rules.append(Rule("route", Scope("model", model), model=r["target"], provider=r["provider"]))
        why = []
        if short:
            why.append(f"output P95 {r['output_p95']:,} tokens (< {t.route_output_p95_max:,.0f})")
        if close:
            why.append(
                f"a budget model of {r['provider']} already succeeds on {_pct(r['best_budget_success'])} "
                f"of its calls (these: {_pct(r['success_rate'])})"
            )
        evidence.append(f"{', '.join(r['models'])}: {r['calls']:,} calls, " + "; ".join(why))
        if r["target_success_rate"] is None:
            risk.append(f"{r['target']} on {name}: no observation")
        else:
            risk.append(
                f"{r['target']} succeeded on {_pct(r['target_success_rate'])} of {r['target_calls']:,} "
                f"{name} calls (now {_pct(r['success_rate'])})"
            )
    return Candidate("route", name, "; ".join(evidence), "; ".join(risk), tuple(rules))


def _batch(name: str, s: Signals, config: Config) -> Candidate | None:
    f = s.features[name]
    marked = name in config.analysis.savings.non_interactive
    if f["batchable_calls"] == 0 or not (f["calls_with_user"] == 0 or marked):
        return None
    who = "marked non-interactive in the config" if marked else "none with a user"
    evidence = (
        f"{f['model_calls']:,} model calls, {who}; {f['batchable_calls']:,} not batched "
        f"on {f['batch_providers']} (batch rate available)"
    )
    return Candidate("batch", name, evidence, NONE_KNOWN, (Rule("batch", Scope("feature", name)),))


def _prompt_cache(name: str, s: Signals, config: Config) -> Candidate | None:
    f, t = s.features[name], config.analysis.savings
    if f["min_input"] is None or f["min_input"] < t.prompt_cache_min_input or f["cacheable_calls"] == 0:
        return None
    if f["cached_share"] is None or f["cached_share"] > t.prompt_cache_max_cached_share:
        return None
    share = Decimal(str(t.prompt_cache_target_share))
    evidence = (
        f"every model call sends ≥ {f['min_input']:,} input tokens; {_pct(f['cached_share'])} read from "
        f"the prompt cache; {f['cacheable_calls']:,} calls on models with a cache-read price"
    )
    return Candidate(
        "prompt_cache", name, evidence, NONE_KNOWN, (Rule("cache", Scope("feature", name), share=share),)
    )


def _output_cap(name: str, s: Signals, config: Config) -> Candidate | None:
    f = s.features[name]
    p50, p95, p99 = f["output_p50"], f["output_p95"], f["output_p99"]
    if not p50 or p95 is None or p99 is None or p99 < config.analysis.savings.output_cap_ratio * p50:
        return None
    evidence = f"output P50 {p50:,.0f}, P95 {p95:,}, P99 {p99:,.0f} tokens ({p99 / p50:.1f}x the P50)"
    risk = (
        f"{f['calls_over_p95']:,} of {f['model_calls']:,} model calls "
        f"({_pct(f['calls_over_p95'] / f['model_calls'])}) would be cut at {p95:,} tokens"
    )
    return Candidate("output_cap", name, evidence, risk, (Rule("output_cap", Scope("feature", name), n=p95),))


def _step_cap(name: str, s: Signals, config: Config) -> Candidate | None:
    loops, a = s.loops.get(name), s.agents.get(name)
    if loops is None or a is None or not loops["runaway_tasks"] or a["step_cap"] is None:
        return None
    evidence = (
        f"{loops['runaway_tasks']:,} runaway tasks of {loops['tasks']:,}; "
        f"steps P50 {loops['steps_p50']:,.0f}, P95 {loops['steps_p95']:,.1f}, max {loops['steps_max']:,}; "
        f"successful tasks' P95 {a['step_cap']:,} steps"
    )
    return Candidate(
        "step_cap",
        name,
        evidence,
        _cut(a["tasks_cut_by_step_cap"], a["successful_tasks"], f"ran more than {a['step_cap']:,} steps"),
        (Rule("step_cap", Scope("feature", name), n=a["step_cap"]),),
    )


def _context_cap(name: str, s: Signals, config: Config) -> Candidate | None:
    loops, a = s.loops.get(name), s.agents.get(name)
    growth = loops["context_growth_exponent"] if loops else None
    if (
        a is None
        or growth is None
        or growth < config.analysis.savings.context_growth_min
        or not a["context_cap"]
    ):
        return None
    assert loops is not None
    evidence = (
        f"context growth exponent {growth:.2f} (super-linear); mean input {loops['input_tokens_step1']:,.0f} "
        f"tokens at step 1, {loops['input_tokens_last'] or 0:,.0f} at the last step"
    )
    risk = _cut(
        a["tasks_cut_by_context_cap"], a["successful_tasks"], f"sent a call above {a['context_cap']:,} tokens"
    )
    return Candidate(
        "context_cap",
        name,
        evidence,
        risk,
        (Rule("context_cap", Scope("feature", name), n=a["context_cap"]),),
    )


def _cut(cut: int, successful: int, what: str) -> str:
    if not successful:
        return "no successful task to compare"
    return f"{cut:,} of {successful:,} successful tasks ({_pct(cut / successful)}) {what}"


def _response_cache(name: str, s: Signals, config: Config) -> Candidate | None:
    now, before = s.cache.get(name), s.cache_before.get(name)
    if now is None or before is None or now["cost_per_model_call"] is None:
        return None
    drop = before["hit_rate"] - now["hit_rate"]
    if drop < config.analysis.savings.response_cache_drop:
        return None
    dollars = drop * now["calls"] * now["cost_per_model_call"]
    evidence = (
        f"response-cache hit rate {_pct(now['hit_rate'])}, was {_pct(before['hit_rate'])} the period before; "
        f"{now['calls']:,} calls at ${now['cost_per_model_call']:.4f} a model call"
    )
    return Candidate("response_cache", name, evidence, NONE_KNOWN, measured_usd=dollars)


def _prompt_regression(name: str, s: Signals, config: Config) -> Candidate | None:
    now, before = s.versions.get(name), s.versions_before.get(name)
    if not now or not before:
        return None
    new, old = now[0], before[0]  # each period's version with the most tasks
    if new["prompt_version"] == old["prompt_version"]:
        return None
    cps_new, cps_old = new["cost_per_successful_task"], old["cost_per_successful_task"]
    if (
        cps_new is None
        or cps_old is None
        or cps_new < cps_old * (1 + config.analysis.savings.prompt_regression_rise)
    ):
        return None
    dollars = (cps_new - cps_old) * new["successful_tasks"]
    evidence = (
        f"{new['prompt_version']}: ${cps_new:.4f} per successful task ({new['successful_tasks']:,} of "
        f"{new['tasks']:,} tasks); {old['prompt_version']} the period before: ${cps_old:.4f}"
    )
    risk = (
        f"success rate {_pct(new['success_rate'])} with {new['prompt_version']}, "
        f"{_pct(old['success_rate'])} before"
    )
    return Candidate("prompt_regression", name, evidence, risk, measured_usd=dollars)


RULES: tuple[Callable[[str, Signals, Config], Candidate | None], ...] = (
    _route,
    _batch,
    _prompt_cache,
    _output_cap,
    _step_cap,
    _context_cap,
    _response_cache,
    _prompt_regression,
)
