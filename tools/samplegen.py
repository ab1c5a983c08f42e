#!/usr/bin/env python3
"""Seeded generator of realistic LLM application call logs (stdlib only).

Two modes::

    python tools/samplegen.py sample --out sample_logs --seed 20261123
    python tools/samplegen.py bulk --records 10000000 --out calls.jsonl [--days 60] [--seed 1]

``sample`` regenerates the committed demo data set byte for byte (``random.Random`` seeded
from ``--seed`` is the only source of randomness; gzip members carry no name and mtime 0).
``bulk`` streams N well-formed native records (top-level token fields, ISO ``Z`` timestamps,
unique ``request_id``) to one file in bounded memory, for benchmarks. Both are importable:
``generate_sample(out_dir, seed)`` and ``generate_bulk(path, records, seed, days)``;
``sample_truth(seed)`` returns the canonical values (as logged, before any enrichment) of
every well-formed, de-duplicated call of the sample, for tests.

The sample scenario (Monday 2026-10-12 00:00Z to Monday 2026-11-23 00:00Z, six ISO weeks):

=================  =========  ====================================================================
feature            team       shape
=================  =========  ====================================================================
chat               growth     multi-turn sessions; claude-sonnet-4 / gpt-4.1 / gpt-4o; prompt-cache
                              reads grow with the conversation; one action per turn
classify           platform   gate before every chat turn and summarise action (same action_id) and
                              e-mail ticket triage (no user); gpt-4o-mini, claude-haiku-4-5,
                              gemini-2.5-flash-lite, a fine-tuned gpt-4o-mini canary 2026-11-09..11;
                              1-6 output tokens; app response cache (``cache_hit`` before 2026-10-19)
agent              platform   tasks of 3-25 steps (``call_id``, ``step``), growing context; success,
                              ``task_outcome: failure``, or a last call with ``status: error``;
                              routing regression from 2026-11-16 (frontier share 15% -> 65%)
summarise          docs       interactive: iterations share an action_id, retries after errors, raw
                              provider responses/usage blocks (OpenAI Chat + Responses, Anthropic,
                              Gemini); spend spike on 2026-11-05 (4x volume routed to gemini-2.5-pro);
                              nightly OpenAI batch backfill (``batch: true``, no user)
search-answer      support    LLM gateway export (CSV, reported cost), app response cache, a
                              self-hosted ``acme-llama-70b-ft`` on ~8% of calls
(none)             (none)     ad-hoc notebook calls by employees (users file gives their team)
research-agent     platform   Sonnet 4 tasks re-sending their whole growing context (no prompt cache);
                              ~1 in 18 tasks loops 28-40 steps and fails (runaway tasks); prompt
                              research-v2 from 2026-11-16 takes ~2 more steps per task
nightly-digest     docs       no user, Sonnet 4 calls never batched, ~6k-token instructions uncached
extract            growth     gpt-4o with outputs of a few dozen tokens, ~3% runaway generations
                              (3-8k tokens); response-cache hit rate ~35% -> ~10% on 2026-11-16
ticket-reply       support    helpdesk, W46-W47 only: retrieved context ~2.3x from 2026-11-16
kb-answer          support    helpdesk: app response cache answers 60%, then 10% from 2026-11-16
onboarding-email   growth     helpdesk: 2.5x the actions from 2026-11-16 (rolled out to all)
log-triage         platform   helpdesk: tasks of 2 calls, then 5 (a retry loop) from 2026-11-16
=================  =========  ====================================================================

Files: ``app-2026-10.jsonl.gz`` / ``app-2026-11.jsonl.gz`` / ``app-2026-11-22.jsonl`` (the main
app's rotated log: chat, classify, agent, ad hoc), ``raw-responses.jsonl`` (summarise),
``batch-backfill.jsonl`` (epoch-second timestamps), ``gateway-export.csv`` (epoch-millisecond
timestamps), ``agents-and-jobs.jsonl.gz`` (research-agent, nightly-digest, extract: the patterns
agent-loops and savings find, planted by ``research_agent`` and ``savings_jobs``),
``helpdesk-2026-11.jsonl.gz`` (the four helpdesk features of ``Scenario.why_spend_moved``: one
cause of a W47 cost change each). Eight malformed lines (one per class), one exact duplicate
line and one record re-exported in two files are planted; ``python tools/samplegen.py sample``
prints where.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import math
import os
import random
import string
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

SAMPLE_SEED = 20261123
REPO = Path(__file__).resolve().parent.parent

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DAY_MS = 86_400_000
HOUR_MS = 3_600_000
MIN_MS = 60_000


def _ms(dt: datetime) -> int:
    return (dt - EPOCH) // timedelta(milliseconds=1)


START_MS = _ms(datetime(2026, 10, 12, tzinfo=UTC))
END_MS = _ms(datetime(2026, 11, 23, tzinfo=UTC))
N_DAYS = (END_MS - START_MS) // DAY_MS  # 42
BERLIN_DST_END_MS = _ms(datetime(2026, 10, 25, 1, tzinfo=UTC))  # +02:00 before, +01:00 after
NY_DST_END_MS = _ms(datetime(2026, 11, 1, 6, tzinfo=UTC))  # -04:00 before, -05:00 after

ROUTING_REGRESSION_DAY = 35  # 2026-11-16: agent frontier share jumps
SPIKE_DAY = 24  # 2026-11-05: summarise spend spike
FT_CANARY_DAYS = (28, 29, 30)  # 2026-11-09..11: fine-tuned classifier canary
FT_MODEL = "ft:gpt-4o-mini-2024-07-18:acme::9xYz"
SELF_HOSTED = "acme-llama-70b-ft"

FEATURE_TEAM = {
    "chat": "growth",
    "summarise": "docs",
    "agent": "platform",
    "classify": "platform",
    "search-answer": "support",
}

PROVIDER = {
    "gpt-4o-mini": "openai",
    "gpt-4.1": "openai",
    "gpt-4.1-mini": "openai",
    "gpt-4o": "openai",
    "o3": "openai",
    "o4-mini": "openai",
    FT_MODEL: "openai",
    "claude-sonnet-4-20250514": "anthropic",
    "claude-opus-4-1-20250805": "anthropic",
    "claude-opus-4-1": "anthropic",
    "claude-haiku-4-5": "anthropic",
    "claude-3-5-haiku-20241022": "anthropic",
    "gemini-2.5-flash": "google",
    "gemini-2.5-flash-lite": "google",
    "gemini-2.5-pro": "google",
    SELF_HOSTED: None,
}
# Resolved snapshot names providers echo back in their response bodies.
SNAPSHOT = {"gpt-4o-mini": "gpt-4o-mini-2024-07-18", "o4-mini": "o4-mini-2025-04-16"}
# Milliseconds per output token, for latencies.
MS_PER_TOKEN = {
    "gpt-4o-mini": 8,
    "gpt-4.1": 14,
    "gpt-4.1-mini": 9,
    "gpt-4o": 12,
    "o3": 22,
    "o4-mini": 10,
    FT_MODEL: 8,
    "claude-sonnet-4-20250514": 18,
    "claude-opus-4-1-20250805": 30,
    "claude-opus-4-1": 30,
    "claude-haiku-4-5": 9,
    "claude-3-5-haiku-20241022": 10,
    "gemini-2.5-flash": 5,
    "gemini-2.5-flash-lite": 4,
    "gemini-2.5-pro": 15,
    SELF_HOSTED: 20,
}
# The gateway's own list prices, USD per million tokens: (input, cached input, output).
GATEWAY_PRICES = {
    "gemini-2.5-flash": (0.30, 0.03, 2.50),
    "gpt-4.1-mini": (0.40, 0.10, 1.60),
    "gpt-4o": (2.50, 1.25, 10.00),
}
# Relative traffic per UTC hour (US + EU business hours).
HOUR_WEIGHTS = (3, 2, 1.5, 1, 1, 1.5, 3, 5, 7, 8, 8, 8, 9, 10, 11, 11, 10, 9, 8, 7, 6, 5, 4, 3)
APP_VERSIONS = ((0, "2.13.4"), (7, "2.14.0"), (21, "2.15.2"), (35, "2.16.0"))
EMPLOYEES = (
    ("emp_akovacs", "platform"),
    ("emp_bnair", "growth"),
    ("emp_cmoreau", "docs"),
    ("emp_dokafor", "support"),
    ("emp_eliu", "platform"),
    ("emp_fschmidt", "growth"),
)
FILLER = (
    "lorem ipsum",
    "lorem ipsum dolor sit amet",
    "lorem ipsum dolor sit amet, consectetur adipiscing elit",
    "dolor sit amet lorem ipsum",
)
ERROR_CODES = {
    "openai": ("rate_limit_exceeded", "server_error"),
    "anthropic": ("overloaded_error", "rate_limit_error"),
    "google": ("UNAVAILABLE", "RESOURCE_EXHAUSTED"),
    None: ("upstream_503",),
}
ALNUM = string.ascii_letters + string.digits

F_OCT, F_NOV, F_CUR = "app-2026-10.jsonl.gz", "app-2026-11.jsonl.gz", "app-2026-11-22.jsonl"
F_RAW, F_BATCH, F_CSV = "raw-responses.jsonl", "batch-backfill.jsonl", "gateway-export.csv"
F_AGENTS = "agents-and-jobs.jsonl.gz"  # planted for agent-loops and savings (issues 13, 14)
F_HELPDESK = "helpdesk-2026-11.jsonl.gz"  # the helpdesk service's log: see Scenario.why_spend_moved
SAMPLE_FILES = (F_OCT, F_NOV, F_CUR, F_RAW, F_BATCH, F_CSV, F_AGENTS, F_HELPDESK)
NOV_1_MS = _ms(datetime(2026, 11, 1, tzinfo=UTC))
NOV_22_MS = _ms(datetime(2026, 11, 22, tzinfo=UTC))

CSV_COLUMNS = (
    "ts",
    "request_id",
    "provider",
    "model",
    "input_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "output_tokens",
    "reasoning_tokens",
    "cost_usd",
    "user_id",
    "user_tier",
    "team",
    "feature",
    "task_id",
    "action_id",
    "session_id",
    "step",
    "status",
    "task_outcome",
    "response_cache_hit",
    "batch",
    "latency_ms",
    "prompt_version",
    "region",
    "route",
)


# --------------------------------------------------------------------------- helpers


def iso(ms: int, offset_min: int = 0) -> str:
    """ISO-8601 with milliseconds: ``Z`` for UTC, else the local time and its offset."""
    dt = EPOCH + timedelta(milliseconds=ms + offset_min * MIN_MS)
    base = f"{dt:%Y-%m-%dT%H:%M:%S}.{ms % 1000:03d}"
    if offset_min == 0:
        return base + "Z"
    sign = "+" if offset_min > 0 else "-"
    off = abs(offset_min)
    return f"{base}{sign}{off // 60:02d}:{off % 60:02d}"


def berlin_offset(ms: int) -> int:
    return 120 if ms < BERLIN_DST_END_MS else 60


def ny_offset(ms: int) -> int:
    return -240 if ms < NY_DST_END_MS else -300


def lognorm(rng: random.Random, median: float, sigma: float, lo: int, hi: int) -> int:
    return int(min(hi, max(lo, median * math.exp(rng.gauss(0.0, sigma)))))


def geometric(rng: random.Random, mean: float) -> int:
    """Number of failures before a success, with the given mean (0, 1, 2, …)."""
    p = 1.0 / (mean + 1.0)
    return int(math.log(1.0 - rng.random()) / math.log(1.0 - p))


def pick(rng: random.Random, options: tuple[tuple[Any, float], ...]) -> Any:
    return rng.choices([o for o, _ in options], [w for _, w in options])[0]


def day_time(rng: random.Random, d: int) -> int:
    hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
    return START_MS + d * DAY_MS + hour * HOUR_MS + rng.randrange(HOUR_MS)


def volume(rng: random.Random, d: int, base: float) -> int:
    weekend = d % 7 >= 5
    growth = 1.0 + 0.03 * d / 7
    return max(0, round(base * (0.55 if weekend else 1.0) * growth * rng.lognormvariate(0.0, 0.12)))


def app_version(d: int) -> str:
    version = APP_VERSIONS[0][1]
    for since, v in APP_VERSIONS:
        if d >= since:
            version = v
    return version


def openai_cached(prefix: int) -> int:
    """OpenAI's automatic prompt cache: prefixes of >= 1024 tokens, in 128-token steps."""
    return (prefix // 128) * 128 if prefix >= 1024 else 0


def latency(rng: random.Random, model: str, output: int, base: int = 350) -> int:
    return int((base + output * MS_PER_TOKEN[model]) * rng.lognormvariate(0.0, 0.25))


class Ids:
    """Provider-shaped ids, unique across the whole sample."""

    def __init__(self, rng: random.Random, seen: set[str]) -> None:
        self.rng, self.seen = rng, seen

    def _unique(self, make: Any) -> str:
        while True:
            value = make()
            if value not in self.seen:
                self.seen.add(value)
                return value

    def hex(self, n: int) -> str:
        return f"{self.rng.getrandbits(4 * n):0{n}x}"

    def alnum(self, n: int) -> str:
        return "".join(self.rng.choices(ALNUM, k=n))

    def local(self, prefix: str, n: int = 12) -> str:
        return self._unique(lambda: prefix + self.hex(n))

    def provider(self, provider: str | None, api: str = "chat") -> str:
        if provider == "openai":
            if api == "responses":
                return self._unique(lambda: "resp_" + self.hex(40))
            if api == "batch":
                return self._unique(lambda: "batch_req_" + self.hex(32))
            return self._unique(lambda: "chatcmpl-" + self.alnum(29))
        if provider == "anthropic":
            return self._unique(lambda: "msg_01" + self.alnum(22))
        if provider == "google":
            return self._unique(lambda: self.alnum(23))
        return self._unique(lambda: "cmpl-" + self.hex(32))


@dataclass
class User:
    user_id: str
    tier: str
    weight: float
    region: str
    first_day: int


@dataclass
class Call:
    """One LLM call: canonical values plus how it is written out."""

    seq: int
    ts_ms: int
    file: str
    ts_style: str  # z | berlin | ny | epoch_s | epoch_ms
    model: str | None
    provider: str | None
    input_tokens: int = 0
    cached_input_tokens: int = 0
    cache_write_tokens: int = 0
    cache_write_1h_tokens: int = 0
    output_tokens: int = 0
    reasoning_tokens: int = 0
    request_id: str | None = None
    id_key: str = "request_id"
    cost_usd: float | None = None
    user_id: str | None = None
    user_tier: str | None = None
    team: str | None = None
    feature: str | None = None
    task_id: str | None = None
    action_id: str | None = None
    session_id: str | None = None
    step: int | None = None
    status: str = "ok"
    task_outcome: str | None = None
    response_cache_hit: bool | None = None
    cache_hit_alias: bool = False
    batch: bool | None = None
    latency_ms: int | float | None = None
    prompt_version: str | None = None
    tags: dict[str, Any] = field(default_factory=dict)
    omit_provider: bool = False
    raw: dict[str, Any] | None = None  # raw-responses.jsonl: the record body with usage/response

    def ts_value(self) -> str | int:
        if self.ts_style == "z":
            return iso(self.ts_ms)
        if self.ts_style == "berlin":
            return iso(self.ts_ms, berlin_offset(self.ts_ms))
        if self.ts_style == "ny":
            return iso(self.ts_ms, ny_offset(self.ts_ms))
        if self.ts_style == "epoch_s":
            return self.ts_ms // 1000
        return self.ts_ms

    def truth(self) -> dict[str, Any]:
        """Canonical values as logged (omitted fields are None; no users-file or owner fill)."""
        return {
            "call_id": self.request_id,
            "ts": EPOCH + timedelta(milliseconds=self.ts_ms),
            "provider": None if self.omit_provider else self.provider,
            "model": self.model,
            "input_tokens": self.input_tokens,
            "cached_input_tokens": self.cached_input_tokens,
            "cache_write_tokens": self.cache_write_tokens,
            "cache_write_1h_tokens": self.cache_write_1h_tokens,
            "output_tokens": self.output_tokens,
            "reasoning_tokens": self.reasoning_tokens,
            "cost_usd": self.cost_usd,
            "user_id": self.user_id,
            "user_tier": self.user_tier,
            "team": self.team,
            "feature": self.feature,
            "task_id": self.task_id,
            "action_id": self.action_id,
            "session_id": self.session_id,
            "step": self.step,
            "status": self.status,
            "task_outcome": self.task_outcome,
            "response_cache_hit": self.response_cache_hit,
            "batch": self.batch,
            "latency_ms": self.latency_ms,
            "prompt_version": self.prompt_version,
            "source_file": self.file,
            "tags": dict(self.tags),
        }


# --------------------------------------------------------------------------- the scenario


class Scenario:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.seen: set[str] = set()
        self.calls: list[Call] = []
        self.users = self._make_users(random.Random(f"{seed}:users"))
        self._pickers: dict[tuple[str, int], tuple[list[User], list[float]]] = {}

    # -- population

    def _make_users(self, rng: random.Random) -> list[User]:
        n = 450
        tiers = ["free"] * 315 + ["pro"] * 113 + ["enterprise"] * 22
        rng.shuffle(tiers)
        ids = Ids(rng, self.seen)
        users = []
        for tier in tiers:
            weight = min(rng.paretovariate(1.1), 100.0) * {"free": 0.6, "pro": 1.6, "enterprise": 3.0}[tier]
            region = "eu-central-1" if rng.random() < 0.3 else "us-east-1"
            first_day = 0 if rng.random() < 0.8 else rng.randrange(1, 35)
            users.append(User(ids.local("u_", 6), tier, weight, region, first_day))
        assert len(users) == n
        return users

    def pick_user(self, rng: random.Random, d: int, who: str = "all") -> User:
        key = (who, d)
        if key not in self._pickers:
            pool = [
                u
                for u in self.users
                if u.first_day <= d and (who == "all" or u.tier in ("pro", "enterprise"))
            ]
            cum, total = [], 0.0
            for u in pool:
                total += u.weight
                cum.append(total)
            self._pickers[key] = (pool, cum)
        pool, cum = self._pickers[key]
        return rng.choices(pool, cum_weights=cum)[0]

    def add(self, **kw: Any) -> Call:
        call = Call(seq=len(self.calls), **kw)
        if call.provider is None and call.model is not None:
            call.provider = PROVIDER[call.model]
        self.calls.append(call)
        return call

    # -- planted for agent-loops and savings (issues 13, 14): agents-and-jobs.jsonl

    def research_agent(self) -> None:
        """research-agent (team platform, Sonnet 4, no prompt caching): each step re-sends the whole
        growing context. Most tasks succeed in 3-8 steps; about 1 in 18 loops for 28-40 steps and
        fails (the runaway tasks). Prompt research-v2 (from 2026-11-16) takes ~2 steps more per task."""
        rng = random.Random(f"{self.seed}:research-agent")
        ids = Ids(rng, self.seen)
        model = "claude-sonnet-4-20250514"
        for d in range(N_DAYS):
            v2 = d >= ROUTING_REGRESSION_DAY
            for _ in range(rng.randint(3, 5)):
                user = self.pick_user(rng, d, "paying")
                runaway = rng.random() < 1 / 18
                steps = rng.randint(28, 40) if runaway else rng.randint(3, 8) + (2 if v2 else 0)
                ending = "failure" if runaway else pick(rng, (("success", 0.9), ("failure", 0.1)))
                task, session = ids.local("task_"), ids.local("sess_")
                ctx = 6000 + rng.randrange(0, 800)
                t = START_MS + d * DAY_MS + rng.randrange(8 * HOUR_MS, 18 * HOUR_MS)
                for step in range(1, steps + 1):
                    out = lognorm(rng, 260, 0.4, 60, 900)
                    self.add(
                        file="agents",
                        ts_style="z",
                        ts_ms=t,
                        model=model,
                        provider="anthropic",
                        request_id=ids.provider("anthropic"),
                        input_tokens=ctx,
                        output_tokens=out,
                        user_id=user.user_id,
                        team="platform",
                        feature="research-agent",
                        task_id=task,
                        session_id=session,
                        step=step,
                        task_outcome=ending if step == steps else None,
                        latency_ms=latency(rng, model, out, 600),
                        prompt_version="research-v2" if v2 else "research-v1",
                        tags={"env": "prod", "region": user.region},
                    )
                    t += rng.randrange(4000, 20_000)
                    ctx += out + rng.randrange(700, 1300)  # the tool result and the answer go back in

    def savings_jobs(self) -> None:
        """Two features whose levers are known. nightly-digest (team docs, no user): Sonnet 4 calls
        sent one by one, never batched, each re-sending the same ~6k-token instructions uncached.
        extract (team growth): gpt-4o answering in a few dozen tokens, ~3% of generations run away
        to thousands of tokens, and its response-cache hit rate falls from ~35% to ~10% on
        2026-11-16 (a cache-key change)."""
        rng = random.Random(f"{self.seed}:savings-jobs")
        ids = Ids(rng, self.seen)
        for d in range(N_DAYS):
            t = START_MS + d * DAY_MS + HOUR_MS + rng.randrange(20 * MIN_MS)
            for _ in range(rng.randint(12, 16)):
                t += rng.randrange(20_000, 120_000)
                out = lognorm(rng, 550, 0.3, 200, 1200)
                self.add(
                    file="agents",
                    ts_style="z",
                    ts_ms=t,
                    model="claude-sonnet-4-20250514",
                    provider="anthropic",
                    request_id=ids.provider("anthropic"),
                    input_tokens=6200 + lognorm(rng, 1800, 0.5, 300, 9000),
                    output_tokens=out,
                    team="docs",
                    feature="nightly-digest",
                    latency_ms=latency(rng, "claude-sonnet-4-20250514", out, 600),
                    prompt_version="digest-v3",
                    tags={"env": "prod", "job": "nightly-digest"},
                )
            hit_rate = 0.35 if d < ROUTING_REGRESSION_DAY else 0.10
            for _ in range(volume(rng, d, 80)):
                user = self.pick_user(rng, d)
                ts = day_time(rng, d)
                hit = rng.random() < hit_rate
                runaway = not hit and rng.random() < 0.03
                out = rng.randint(3000, 8000) if runaway else lognorm(rng, 35, 0.5, 5, 200)
                self.add(
                    file="agents",
                    ts_style="z",
                    ts_ms=ts,
                    model="gpt-4o",
                    provider="openai",
                    request_id=ids.provider("openai"),
                    input_tokens=lognorm(rng, 3800, 0.3, 1500, 9000),
                    output_tokens=out,
                    user_id=user.user_id,
                    team="growth",
                    feature="extract",
                    response_cache_hit=hit,
                    latency_ms=5 if hit else latency(rng, "gpt-4o", out, 300),
                    prompt_version="extract-v1",
                    tags={"env": "prod", "region": user.region, "app_version": app_version(d)},
                )

    # -- the main app: chat (+ classify gate), classify triage, agent, ad hoc

    def gate(self, rng: random.Random, ids: Ids, ts: int, d: int, user: User | None, **dims: Any) -> None:
        """The classification gate: tiny outputs on a budget model, with an app response cache."""
        if d in FT_CANARY_DAYS and rng.random() < 0.12:
            model = FT_MODEL
        else:
            model = pick(
                rng,
                (("gpt-4o-mini", 0.82), ("claude-haiku-4-5", 0.09), ("gemini-2.5-flash-lite", 0.09)),
            )
        provider = PROVIDER[model]
        eu = user is not None and user.region == "eu-central-1"
        tags = {"env": "prod", "region": user.region if user else "us-east-1", "app_version": app_version(d)}
        if dims.pop("triage", False):
            tags["source"] = "email"
        common = dict(
            file="app",
            ts_style="berlin" if eu else "z",
            model=model,
            provider=provider,
            user_id=user.user_id if user else None,
            user_tier=(user.tier if user and rng.random() > 0.05 else None),
            team=None if rng.random() < 0.04 else "platform",
            feature="classify",
            prompt_version="gate-v2" if d < 21 else "gate-v3",
            tags=tags,
            omit_provider=rng.random() < 0.08,
            cache_hit_alias=d < 7,
            **dims,
        )
        if rng.random() < 0.004:  # an upstream error, retried at once
            self.add(
                ts_ms=ts,
                request_id=None,
                status="error",
                response_cache_hit=False,
                latency_ms=lognorm(rng, 900, 0.4, 100, 9000),
                **{**common, "tags": {**tags, "error_code": rng.choice(ERROR_CODES[provider])}},
            )
            ts += rng.randrange(200, 1500)
        inp = 110 + lognorm(rng, 180, 0.6, 10, 1500)
        out = rng.randint(1, 6)
        hit = rng.random() < 0.12
        self.add(
            ts_ms=ts,
            request_id=None if rng.random() < 0.03 else ids.provider(provider),
            input_tokens=inp,
            output_tokens=out,
            response_cache_hit=hit,
            latency_ms=rng.randint(2, 12) if hit else latency(rng, model, out, 180),
            **common,
        )

    def chat(self) -> None:
        rng = random.Random(f"{self.seed}:chat")
        ids = Ids(rng, self.seen)
        for d in range(N_DAYS):
            for _ in range(volume(rng, d, 34)):
                user = self.pick_user(rng, d)
                model = pick(rng, (("claude-sonnet-4-20250514", 0.70), ("gpt-4.1", 0.25), ("gpt-4o", 0.05)))
                provider = PROVIDER[model]
                turns = min(20, 1 + geometric(rng, 3.5))
                session = ids.local("sess_")
                t = day_time(rng, d)
                system = 3200 if provider == "anthropic" else 2900
                history, prev_total, last_t = 0, 0, t
                pv = "chat-v3" if model == "gpt-4o" else ("chat-v4" if d < 28 else "chat-v5")
                for turn in range(turns):
                    if turn:
                        t += (
                            rng.randrange(15_000, 150_000)
                            if rng.random() < 0.88
                            else rng.randrange(6, 40) * MIN_MS
                        )
                        warm_gap = t - last_t < 5 * MIN_MS
                    else:
                        warm_gap = False
                    if t + 10_000 >= END_MS:
                        break
                    action = ids.local("act_")
                    self.gate(
                        rng, ids, t - rng.randrange(250, 700), d, user, action_id=action, session_id=session
                    )
                    u_k = lognorm(rng, 60, 0.8, 5, 1500) + lognorm(
                        rng, 1500, 0.6, 0, 8000
                    )  # message + retrieved context
                    a_k = lognorm(rng, 250, 0.6, 20, 2000)
                    total = system + history + u_k
                    cached = write = 0
                    if provider == "anthropic":
                        if turn and warm_gap:
                            cached = prev_total
                        elif rng.random() < 0.95:  # the shared system prompt stays warm
                            cached = system
                        write = max(0, total - cached - u_k)
                        if turn == 0 and cached == 0:
                            write = system
                    else:
                        prefix = prev_total if (turn and warm_gap) else (system if rng.random() < 0.8 else 0)
                        cached = openai_cached(prefix)
                    tags = {"env": "prod", "region": user.region, "app_version": app_version(d)}
                    common = dict(
                        file="app",
                        ts_style="berlin" if user.region == "eu-central-1" else "z",
                        model=model,
                        provider=provider,
                        user_id=user.user_id,
                        user_tier=user.tier if rng.random() > 0.05 else None,
                        team=None if rng.random() < 0.04 else "growth",
                        feature="chat",
                        action_id=action,
                        session_id=session,
                        prompt_version=pv,
                        omit_provider=rng.random() < 0.08,
                    )
                    if rng.random() < 0.015:
                        err_tags = {**tags, "error_code": rng.choice(ERROR_CODES[provider])}
                        lat = lognorm(rng, 1200, 0.5, 100, 30000)
                        self.add(ts_ms=t, status="error", latency_ms=lat, tags=err_tags, **common)
                        t += lat + rng.randrange(500, 3000)
                    lat = latency(rng, model, a_k)
                    self.add(
                        ts_ms=t,
                        request_id=None if rng.random() < 0.03 else ids.provider(provider),
                        input_tokens=total,
                        cached_input_tokens=cached,
                        cache_write_tokens=write,
                        output_tokens=a_k,
                        latency_ms=lat,
                        tags=tags,
                        **common,
                    )
                    last_t = t + lat
                    t = last_t
                    history += u_k + a_k
                    prev_total = total

    def triage(self) -> None:
        """Inbound support e-mail classified by the gate: a background job, no user."""
        rng = random.Random(f"{self.seed}:triage")
        ids = Ids(rng, self.seen)
        for d in range(N_DAYS):
            for _ in range(volume(rng, d, 70)):
                self.gate(rng, ids, day_time(rng, d), d, None, triage=True)

    def agent(self) -> None:
        rng = random.Random(f"{self.seed}:agent")
        ids = Ids(rng, self.seen)
        for d in range(N_DAYS):
            frontier = 0.15 if d < ROUTING_REGRESSION_DAY else 0.65
            pv = "agent-v6" if d < ROUTING_REGRESSION_DAY else "agent-v7"
            for _ in range(volume(rng, d, 13)):
                user = self.pick_user(rng, d, "paying")
                if rng.random() < frontier:
                    model = pick(rng, (("claude-opus-4-1-20250805", 0.7), ("o3", 0.3)))
                else:
                    model = pick(rng, (("claude-sonnet-4-20250514", 0.7), ("o4-mini", 0.3)))
                provider = PROVIDER[model]
                steps = min(25, max(3, 2 + lognorm(rng, 6, 0.6, 1, 40)))
                ending = pick(rng, (("success", 0.76), ("failure", 0.14), ("error", 0.10)))
                task, session, action = ids.local("task_"), ids.local("sess_"), ids.local("act_")
                tags = {"env": "prod", "region": user.region, "app_version": app_version(d)}
                system = 9000
                ctx = system + lognorm(rng, 150, 0.6, 20, 2000)
                prev_total = 0
                t = day_time(rng, d)
                first = len(self.calls)
                for step in range(1, steps + 1):
                    common = dict(
                        file="app",
                        ts_style="z",
                        model=model,
                        provider=provider,
                        id_key="call_id",
                        user_id=user.user_id,
                        team=None if rng.random() < 0.04 else "platform",
                        feature="agent",
                        task_id=task,
                        action_id=action,
                        session_id=session,
                        step=step,
                        prompt_version=pv,
                    )
                    if rng.random() < 0.03:
                        err_tags = {**tags, "error_code": rng.choice(ERROR_CODES[provider])}
                        lat = lognorm(rng, 1500, 0.5, 100, 30000)
                        self.add(ts_ms=t, status="error", latency_ms=lat, tags=err_tags, **common)
                        t += lat + rng.randrange(1000, 5000)
                    visible = lognorm(rng, 180, 0.7, 20, 1500)
                    reasoning = 0
                    if model == "o3":
                        reasoning = lognorm(rng, 900, 0.7, 64, 8000)
                    elif model == "o4-mini":
                        reasoning = lognorm(rng, 500, 0.7, 64, 6000)
                    total = ctx
                    if provider == "anthropic":
                        cached = prev_total if step > 1 else (system if rng.random() < 0.9 else 0)
                        write = max(0, total - cached - rng.randint(3, 40))
                    else:
                        cached = openai_cached(
                            prev_total if step > 1 else (system if rng.random() < 0.9 else 0)
                        )
                        write = 0
                    last = step == steps
                    status, outcome, extra = "ok", None, {}
                    if last and ending == "error":  # the client timed out mid-stream; tokens still billed
                        status, extra = "error", {"error_code": "timeout"}
                        visible, reasoning = visible // 3, reasoning // 2
                    elif last:
                        outcome = ending
                    lat = latency(rng, model, visible + reasoning, 600)
                    self.add(
                        ts_ms=t,
                        request_id=ids.provider(provider),
                        input_tokens=total,
                        cached_input_tokens=cached,
                        cache_write_tokens=write,
                        output_tokens=visible + reasoning,
                        reasoning_tokens=reasoning,
                        status=status,
                        task_outcome=outcome,
                        latency_ms=120_000 if extra else lat,
                        tags={**tags, **extra},
                        **common,
                    )
                    t += lat + rng.randrange(2000, 25_000)
                    prev_total = total
                    ctx = min(180_000, ctx + visible + lognorm(rng, 3000, 0.9, 50, 24_000))
                overflow = self.calls[-1].ts_ms - (END_MS - 1000)
                if overflow > 0:  # keep the whole task inside the window
                    for c in self.calls[first:]:
                        c.ts_ms -= overflow

    def adhoc(self) -> None:
        rng = random.Random(f"{self.seed}:adhoc")
        ids = Ids(rng, self.seen)
        for d in range(N_DAYS):
            if d % 7 >= 5:
                continue
            for _ in range(rng.choice((0, 1, 1, 2))):
                emp, _team = rng.choice(EMPLOYEES)
                model = pick(rng, (("gpt-4o", 0.6), ("claude-opus-4-1", 0.4)))
                out = lognorm(rng, 900, 0.7, 100, 4000)
                self.add(
                    file="app",
                    ts_style="z",
                    ts_ms=START_MS + d * DAY_MS + rng.randrange(9 * HOUR_MS, 18 * HOUR_MS),
                    model=model,
                    provider=PROVIDER[model],
                    request_id=ids.provider(PROVIDER[model]),
                    input_tokens=lognorm(rng, 9000, 0.9, 500, 60_000),
                    output_tokens=out,
                    user_id=emp,
                    latency_ms=latency(rng, model, out),
                    tags={"env": "dev", "client": "jupyter"},
                )

    def boundary(self) -> None:
        """A few records whose local date differs from their UTC date, at both ends of the window."""
        rng = random.Random(f"{self.seed}:boundary")
        ids = Ids(rng, self.seen)
        eu = next(u for u in self.users if u.region == "eu-central-1" and u.tier == "pro")
        us = next(u for u in self.users if u.region == "us-east-1" and u.tier == "free")
        cases = (
            ("2026-10-11T23:30:00.250", "berlin", eu),  # 01:30+02:00 local on the 12th, UTC before
            ("2026-10-11T22:15:09.000", "z", us),  # plain UTC, before the window
            ("2026-10-12T03:40:12.345", "ny", us),  # 23:40-04:00 local on the 11th, UTC inside
            ("2026-11-22T23:20:00.500", "berlin", eu),  # 00:20+01:00 local on the 23rd, UTC inside
            ("2026-11-23T01:45:00.000", "ny", us),  # 20:45-05:00 local on the 22nd, UTC after
            ("2026-11-23T00:05:30.125", "z", us),  # plain UTC, after the window
        )
        for when, style, user in cases:
            ts = _ms(datetime.fromisoformat(when).replace(tzinfo=UTC))
            d = min(N_DAYS - 1, max(0, (ts - START_MS) // DAY_MS))
            model = "claude-sonnet-4-20250514"
            self.add(
                file="app",
                ts_style=style,
                ts_ms=ts,
                model=model,
                provider="anthropic",
                request_id=ids.provider("anthropic"),
                input_tokens=1800 + 45,
                cached_input_tokens=1800,
                output_tokens=210,
                user_id=user.user_id,
                user_tier=user.tier,
                team="growth",
                feature="chat",
                action_id=ids.local("act_"),
                session_id=ids.local("sess_"),
                latency_ms=latency(rng, model, 210),
                prompt_version="chat-v4" if d < 28 else "chat-v5",
                tags={"env": "prod", "region": user.region, "app_version": app_version(d)},
            )

    # -- summarise: raw provider responses, and the nightly batch backfill

    def summarise(self) -> None:
        rng = random.Random(f"{self.seed}:summarise")
        ids = Ids(rng, self.seen)
        for d in range(N_DAYS):
            spike = d == SPIKE_DAY
            for _ in range(volume(rng, d, 15) * (4 if spike else 1)):
                user = self.pick_user(rng, d)
                if spike:
                    model = "gemini-2.5-pro"
                else:
                    model = pick(
                        rng,
                        (
                            ("gemini-2.5-flash", 0.50),
                            ("gpt-4o-mini", 0.25),
                            ("claude-3-5-haiku-20241022", 0.15),
                            ("o4-mini", 0.10),
                        ),
                    )
                provider = PROVIDER[model]
                doc = lognorm(rng, 9000, 0.9, 800, 90_000)
                prefix = 600 + doc
                iterations = min(5, 1 + geometric(rng, 0.9))
                ttl_1h = rng.random() < 0.3
                task, session, action = ids.local("task_"), ids.local("sess_"), ids.local("act_")
                ending = pick(rng, (("success", 0.75), ("failure", 0.10), (None, 0.15)))
                t = day_time(rng, d)
                self.gate(
                    rng, ids, t - rng.randrange(250, 700), d, user, action_id=action, session_id=session
                )
                prev_summary, last_t = 0, t
                for it in range(iterations):
                    if it:
                        t += rng.randrange(20_000, 240_000)
                    if t + 60_000 >= END_MS:
                        break
                    tier = user.tier if rng.random() > 0.10 else None
                    team = None if rng.random() < 0.04 else "docs"
                    base = dict(
                        file="raw",
                        ts_style="ny",
                        model=model,
                        provider=provider,
                        user_id=user.user_id,
                        user_tier=tier,
                        team=team,
                        feature="summarise",
                        task_id=task,
                        action_id=action,
                        session_id=session,
                        prompt_version="summarise-v4",
                        tags={"env": "prod", "region": "us-east-1", "service": "docs-summariser"},
                    )
                    if rng.random() < 0.03:
                        code = rng.choice(ERROR_CODES[provider])
                        lat = lognorm(rng, 2000, 0.5, 200, 30000)
                        c = self.add(ts_ms=t, status="error", latency_ms=lat, **base)
                        c.tags = {**c.tags, "error_code": code}
                        c.raw = self._raw_error(rng, ids, c)
                        t += lat + rng.randrange(1000, 4000)
                    instr = rng.randint(20, 80)
                    total = prefix + prev_summary + instr
                    visible = lognorm(rng, 320, 0.5, 60, 1500)
                    reasoning = 0
                    if model == "gemini-2.5-flash" and rng.random() < 0.7:
                        reasoning = lognorm(rng, 400, 0.8, 16, 3000)
                    elif model == "gemini-2.5-pro":
                        reasoning = lognorm(rng, 900, 0.6, 128, 6000)
                    elif model == "o4-mini":
                        reasoning = lognorm(rng, 600, 0.7, 64, 6000)
                    cached = write = write_1h = 0
                    gap_ok = it and (t - last_t < 5 * MIN_MS or ttl_1h)
                    if provider == "anthropic":
                        if prefix >= 2048:
                            if it and gap_ok:
                                cached = prefix
                            else:
                                write = prefix
                                write_1h = prefix if ttl_1h else 0
                    elif provider == "openai":
                        if it and rng.random() < 0.8:
                            cached = openai_cached(prefix)
                    elif it and rng.random() < 0.7:
                        cached = (prefix // 256) * 256 if prefix >= 2048 else 0
                    last = it == iterations - 1
                    lat = latency(rng, model, visible + reasoning, 500)
                    c = self.add(
                        ts_ms=t,
                        input_tokens=total,
                        cached_input_tokens=cached,
                        cache_write_tokens=write,
                        cache_write_1h_tokens=write_1h,
                        output_tokens=visible + reasoning,
                        reasoning_tokens=reasoning,
                        task_outcome=ending if last else None,
                        latency_ms=lat + rng.randrange(10) / 10,
                        **base,
                    )
                    c.raw = self._raw_body(rng, ids, c)
                    last_t = t = t + lat
                    prev_summary = visible

    def _raw_error(self, rng: random.Random, ids: Ids, c: Call) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": c.model,
            "provider": c.provider,
            "input_tokens": 0,
            "output_tokens": 0,
        }
        body["error"] = {"type": c.tags["error_code"], "message": rng.choice(FILLER)}
        return body

    def _raw_body(self, rng: random.Random, ids: Ids, c: Call) -> dict[str, Any]:
        """The call as the docs service logs it: a raw ``usage`` block or the whole ``response``."""
        provider, model = c.provider, c.model
        assert model is not None
        created = c.ts_ms // 1000
        text = rng.choice(FILLER)
        api = "responses" if model == "gpt-4o-mini" else "chat"
        if provider == "openai" and api == "chat":
            usage: dict[str, Any] = {
                "prompt_tokens": c.input_tokens,
                "completion_tokens": c.output_tokens,
                "total_tokens": c.input_tokens + c.output_tokens,
                "prompt_tokens_details": {"cached_tokens": c.cached_input_tokens, "audio_tokens": 0},
                "completion_tokens_details": {
                    "reasoning_tokens": c.reasoning_tokens,
                    "audio_tokens": 0,
                    "accepted_prediction_tokens": 0,
                    "rejected_prediction_tokens": 0,
                },
            }
        elif provider == "openai":
            usage = {
                "input_tokens": c.input_tokens,
                "input_tokens_details": {"cached_tokens": c.cached_input_tokens, "cache_write_tokens": 0},
                "output_tokens": c.output_tokens,
                "output_tokens_details": {"reasoning_tokens": c.reasoning_tokens},
                "total_tokens": c.input_tokens + c.output_tokens,
            }
        elif provider == "anthropic":
            usage = {
                "input_tokens": c.input_tokens - c.cached_input_tokens - c.cache_write_tokens,
                "cache_creation_input_tokens": c.cache_write_tokens,
                "cache_read_input_tokens": c.cached_input_tokens,
                "cache_creation": {
                    "ephemeral_5m_input_tokens": c.cache_write_tokens - c.cache_write_1h_tokens,
                    "ephemeral_1h_input_tokens": c.cache_write_1h_tokens,
                },
                "output_tokens": c.output_tokens,
                "service_tier": "standard",
            }
        else:
            usage = {
                "promptTokenCount": c.input_tokens,
                "candidatesTokenCount": c.output_tokens - c.reasoning_tokens,
                "totalTokenCount": c.input_tokens + c.output_tokens,
            }
            if c.cached_input_tokens:
                usage["cachedContentTokenCount"] = c.cached_input_tokens
            if c.reasoning_tokens:
                usage["thoughtsTokenCount"] = c.reasoning_tokens
            usage["promptTokensDetails"] = [{"modality": "TEXT", "tokenCount": c.input_tokens}]
            if c.cached_input_tokens:
                usage["cacheTokensDetails"] = [{"modality": "TEXT", "tokenCount": c.cached_input_tokens}]

        body: dict[str, Any] = {}
        if rng.random() < 0.45:  # just the usage block
            c.request_id = ids.provider(provider, api)
            body = {"request_id": c.request_id, "provider": provider, "model": model, "usage": usage}
        else:
            rid = ids.provider(provider, api)
            c.request_id = rid
            if provider == "openai" and api == "chat":
                c.model = SNAPSHOT.get(model, model)
                response: dict[str, Any] = {
                    "id": rid,
                    "object": "chat.completion",
                    "created": created,
                    "model": c.model,
                    "choices": [
                        {
                            "index": 0,
                            "message": {
                                "role": "assistant",
                                "content": text,
                                "refusal": None,
                                "annotations": [],
                            },
                            "logprobs": None,
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": usage,
                    "service_tier": "default",
                    "system_fingerprint": None,
                }
            elif provider == "openai":
                c.model = SNAPSHOT.get(model, model)
                response = {
                    "id": rid,
                    "object": "response",
                    "created_at": created,
                    "status": "completed",
                    "model": c.model,
                    "output": [
                        {
                            "id": "msg_" + ids.hex(40),
                            "type": "message",
                            "status": "completed",
                            "role": "assistant",
                            "content": [{"type": "output_text", "text": text, "annotations": []}],
                        }
                    ],
                    "usage": usage,
                    "service_tier": "default",
                    "metadata": {"feature": "summarise"},
                }
            elif provider == "anthropic":
                response = {
                    "id": rid,
                    "type": "message",
                    "role": "assistant",
                    "model": model,
                    "content": [{"type": "text", "text": text}],
                    "stop_reason": "end_turn",
                    "stop_sequence": None,
                    "usage": usage,
                }
            else:
                response = {
                    "candidates": [
                        {
                            "content": {"parts": [{"text": text}], "role": "model"},
                            "finishReason": "STOP",
                            "index": 0,
                        }
                    ],
                    "usageMetadata": usage,
                    "modelVersion": model,
                    "responseId": rid,
                }
            body = {"response": response}
        roll = rng.random()
        if roll < 0.35:
            body["messages"] = [
                {"role": "system", "content": "lorem ipsum"},
                {"role": "user", "content": rng.choice(FILLER)},
            ]
        elif roll < 0.45:
            body["prompt"] = rng.choice(FILLER)
        return body

    def backfill(self) -> None:
        rng = random.Random(f"{self.seed}:backfill")
        ids = Ids(rng, self.seen)
        doc_no = 0
        for d in range(N_DAYS):
            batch_id = ids.local("batch_", 32)
            done = START_MS + d * DAY_MS + HOUR_MS + rng.randrange(30 * MIN_MS)
            for _ in range(rng.randint(20, 30)):
                done += rng.randrange(1000, 90_000)
                doc_no += 1
                err = rng.random() < 0.01
                self.add(
                    file="batch",
                    ts_style="epoch_s",
                    ts_ms=(done // 1000) * 1000,
                    model="gpt-4o-mini",
                    provider="openai",
                    request_id=ids.provider("openai", "batch"),
                    input_tokens=0 if err else lognorm(rng, 6000, 0.5, 1500, 15_000),
                    output_tokens=0 if err else lognorm(rng, 280, 0.4, 120, 600),
                    team="docs",
                    feature="summarise",
                    task_id=batch_id,
                    status="error" if err else "ok",
                    batch=True,
                    prompt_version="backfill-v2",
                    tags={"env": "prod", "job": "nightly-backfill", "custom_id": f"doc-{doc_no:06d}"},
                )

    # -- search-answer through the LLM gateway (CSV)

    def search(self) -> None:
        rng = random.Random(f"{self.seed}:search")
        ids = Ids(rng, self.seen)
        for d in range(N_DAYS):
            for _ in range(volume(rng, d, 70)):
                user = self.pick_user(rng, d) if rng.random() > 0.12 else None
                model = pick(
                    rng,
                    (
                        ("gemini-2.5-flash", 0.55),
                        ("gpt-4.1-mini", 0.30),
                        ("gpt-4o", 0.07),
                        (SELF_HOSTED, 0.08),
                    ),
                )
                provider = PROVIDER[model]
                t = day_time(rng, d)
                common = dict(
                    file="csv",
                    ts_style="epoch_ms",
                    model=model,
                    provider=provider,
                    user_id=user.user_id if user else None,
                    user_tier=user.tier if user and rng.random() > 0.03 else None,
                    team=None if rng.random() < 0.04 else "support",
                    feature="search-answer",
                    action_id=ids.local("act_"),
                    prompt_version="sa-v2" if d < 14 else "sa-v3",
                    tags={
                        "region": user.region if user else "us-east-1",
                        "route": f"sa-{model.split('-')[0]}",
                    },
                )
                if rng.random() < 0.01:
                    lat = lognorm(rng, 1500, 0.5, 100, 30000)
                    self.add(
                        ts_ms=t,
                        request_id=ids.provider(provider),
                        status="error",
                        response_cache_hit=False,
                        cost_usd=0.0,
                        latency_ms=lat,
                        **common,
                    )
                    t += lat + rng.randrange(300, 2000)
                total = 1100 + lognorm(rng, 3000, 0.5, 500, 12_000) + rng.randint(10, 80)
                visible = lognorm(rng, 220, 0.5, 40, 900)
                reasoning = (
                    lognorm(rng, 250, 0.8, 8, 2000)
                    if model == "gemini-2.5-flash" and rng.random() < 0.6
                    else 0
                )
                cached = openai_cached(1100) if provider == "openai" and rng.random() < 0.7 else 0
                hit = rng.random() < 0.22
                output = visible + reasoning
                cost: float | None = None
                if hit:
                    cost = 0.0
                elif model in GATEWAY_PRICES:
                    p_in, p_cached, p_out = GATEWAY_PRICES[model]
                    cost = round(((total - cached) * p_in + cached * p_cached + output * p_out) / 1e6, 8)
                self.add(
                    ts_ms=t,
                    request_id=ids.provider(provider),
                    input_tokens=total,
                    cached_input_tokens=cached,
                    output_tokens=output,
                    reasoning_tokens=reasoning,
                    response_cache_hit=hit,
                    cost_usd=cost,
                    latency_ms=rng.randint(4, 30) if hit else latency(rng, model, output, 700),
                    **common,
                )

    def why_spend_moved(self) -> None:
        """Planted for the showback's "Why spend moved": four helpdesk features in W46 and W47
        (2026-11-09 .. 22), each of whose cost moves in W47 for one reason of its own.

        - ticket-reply (support): retrieval sends ~2.3x the context from W47: tokens per call;
        - kb-answer (support): its response cache answers 60% of questions, then 10%: response cache;
        - onboarding-email (growth): rolled out to every new sign-up, 2.5x the actions: volume;
        - log-triage (platform): a retry loop, 2 then 5 calls per triage: iteration.
        Written to their own file, so the other files (and their planted lines) stay as they were.
        """
        rng = random.Random(f"{self.seed}:why-spend-moved")
        ids = Ids(rng, self.seen)
        first, change = ROUTING_REGRESSION_DAY - 7, ROUTING_REGRESSION_DAY  # W46, then W47 from its Monday

        def call(d: int, feature: str, team: str, model: str, inp: int, out: int, **kw: Any) -> None:
            user = kw.pop("user", None)
            self.add(
                file="helpdesk",
                ts_style="z",
                ts_ms=kw.pop("ts_ms", None) or day_time(rng, d),
                model=model,
                provider=PROVIDER[model],
                request_id=ids.provider(PROVIDER[model]),
                input_tokens=inp,
                output_tokens=out,
                user_id=user.user_id if user else None,
                user_tier=user.tier if user else None,
                team=team,
                feature=feature,
                latency_ms=latency(rng, model, out),
                tags={"env": "prod", "service": "helpdesk"},
                **kw,
            )

        for d in range(first, change + 7):
            after = d >= change
            for _ in range(rng.randint(27, 33)):
                context = lognorm(rng, 14_000 if after else 6_000, 0.25, 1_000, 60_000)
                version = "reply-v4" if after else "reply-v3"
                call(d, "ticket-reply", "support", "claude-sonnet-4-20250514", context, rng.randint(250, 550),
                     prompt_version=version, user=self.pick_user(rng, d))  # fmt: skip
            for _ in range(rng.randint(95, 105)):
                hit = rng.random() < (0.10 if after else 0.60)
                call(d, "kb-answer", "support", "gpt-4.1", lognorm(rng, 3_000, 0.2, 500, 9_000),
                     rng.randint(200, 400), response_cache_hit=hit, user=self.pick_user(rng, d))  # fmt: skip
            for _ in range(rng.randint(95, 105) if after else rng.randint(37, 43)):
                call(d, "onboarding-email", "growth", "gpt-4.1", lognorm(rng, 2_000, 0.2, 500, 6_000),
                     rng.randint(450, 750), user=self.pick_user(rng, d))  # fmt: skip
            for _ in range(rng.randint(23, 27)):
                task = "tri_" + ids.alnum(10)
                start = min(day_time(rng, d), START_MS + (d + 1) * DAY_MS - 30_000)  # all on day d
                for step in range(1, (5 if after else 2) + 1):
                    call(d, "log-triage", "platform", "o4-mini", lognorm(rng, 4_000, 0.2, 500, 12_000),
                         rng.randint(400, 600), task_id=task, step=step, ts_ms=start + step * 4_000,
                         status="ok" if step == (5 if after else 2) else "error")  # fmt: skip

    def build(self) -> None:
        self.chat()
        self.triage()
        self.agent()
        self.adhoc()
        self.boundary()
        self.summarise()
        self.backfill()
        self.search()
        self.research_agent()
        self.savings_jobs()
        self.why_spend_moved()  # last: its ids and rng cannot change the calls above
        # the app's rotated files
        for c in self.calls:
            if c.file == "app":
                c.file = F_OCT if c.ts_ms < NOV_1_MS else (F_NOV if c.ts_ms < NOV_22_MS else F_CUR)
            else:
                c.file = {
                    "raw": F_RAW,
                    "batch": F_BATCH,
                    "csv": F_CSV,
                    "agents": F_AGENTS,
                    "helpdesk": F_HELPDESK,
                }[c.file]
        self.calls.sort(key=lambda c: (c.ts_ms, c.seq))


# --------------------------------------------------------------------------- writing


def native_obj(c: Call) -> dict[str, Any]:
    """The record as the main app / batch job logs it: canonical names, top-level tokens."""
    o: dict[str, Any] = {"ts": c.ts_value()}
    if c.request_id:
        o[c.id_key] = c.request_id
    if c.provider and not c.omit_provider:
        o["provider"] = c.provider
    o["model"] = c.model
    o["input_tokens"] = c.input_tokens
    if c.cached_input_tokens or c.feature == "agent":
        o["cached_input_tokens"] = c.cached_input_tokens
    if c.cache_write_tokens or c.feature == "agent":
        o["cache_write_tokens"] = c.cache_write_tokens
    o["output_tokens"] = c.output_tokens
    if c.reasoning_tokens or c.model in ("o3", "o4-mini"):
        o["reasoning_tokens"] = c.reasoning_tokens
    for key in ("user_id", "user_tier", "team", "feature", "task_id", "action_id", "session_id", "step"):
        value = getattr(c, key)
        if value is not None:
            o[key] = value
    o["status"] = c.status
    if c.task_outcome:
        o["task_outcome"] = c.task_outcome
    if c.response_cache_hit is not None:
        o["cache_hit" if c.cache_hit_alias else "response_cache_hit"] = c.response_cache_hit
    if c.batch is not None:
        o["batch"] = c.batch
    if c.latency_ms is not None:
        o["latency_ms"] = c.latency_ms
    if c.prompt_version:
        o["prompt_version"] = c.prompt_version
    o.update(c.tags)
    return o


def raw_obj(c: Call) -> dict[str, Any]:
    """A record of the docs service: dimensions plus a raw provider usage block or response."""
    assert c.raw is not None
    o: dict[str, Any] = {"ts": c.ts_value()}
    if "request_id" in c.raw:
        o["request_id"] = c.raw["request_id"]
    for key in ("user_id", "user_tier", "team", "feature", "task_id", "action_id", "session_id"):
        value = getattr(c, key)
        if value is not None:
            o[key] = value
    o["status"] = c.status
    if c.task_outcome:
        o["task_outcome"] = c.task_outcome
    o["latency_ms"] = c.latency_ms
    o["prompt_version"] = c.prompt_version
    o.update(c.tags)
    o.update({k: v for k, v in c.raw.items() if k != "request_id"})
    return o


def compact(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"))


def csv_row(c: Call) -> list[str]:
    def cell(v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, float):
            return f"{v:.8f}".rstrip("0").rstrip(".") if v else "0"
        return str(v)

    values = {
        **{k: getattr(c, k, None) for k in CSV_COLUMNS if hasattr(c, k)},
        "ts": c.ts_value(),
        "provider": None if c.omit_provider else c.provider,
        "region": c.tags.get("region"),
        "route": c.tags.get("route"),
        "cached_input_tokens": c.cached_input_tokens,
        "cache_write_tokens": c.cache_write_tokens,
        "reasoning_tokens": c.reasoning_tokens,
    }
    return [cell(values.get(k)) for k in CSV_COLUMNS]


@dataclass
class Planted:
    file: str
    line: int
    kind: str


@dataclass
class Sample:
    seed: int
    calls: list[Call]
    users: list[User]
    files: dict[str, bytes]  # name -> uncompressed content
    planted: list[Planted]


def _malformed(seed: int) -> dict[str, Any]:
    """The bodies of the planted bad records (fresh ids, never a copy of a real call)."""
    rng = random.Random(f"{seed}:malformed")
    ids = Ids(rng, set())

    def rec(ts: Any, **kw: Any) -> dict[str, Any]:
        o: dict[str, Any] = {"ts": ts} if ts is not None else {}
        o.update(
            {
                "request_id": ids.provider("openai"),
                "provider": "openai",
                "model": "gpt-4o-mini",
                "input_tokens": 233,
                "output_tokens": 3,
                "team": "platform",
                "feature": "classify",
                "status": "ok",
                "response_cache_hit": False,
                "env": "prod",
            }
        )
        o.update(kw)
        return o

    return {
        "missing_ts": rec(None),
        "bad_ts": rec("22/11/2026 25:61"),
        "array": ["2026-11-22T10:00:00Z", "gpt-4o-mini", 120, 3],
        "empty": {},
        "negative": {
            "ts": _ms(datetime(2026, 11, 17, 1, 20, tzinfo=UTC)) // 1000,
            "request_id": ids.provider("openai", "batch"),
            "provider": "openai",
            "model": "gpt-4o-mini",
            "input_tokens": 5120,
            "output_tokens": -42,
            "team": "docs",
            "feature": "summarise",
            "task_id": "batch_" + ids.hex(32),
            "status": "ok",
            "batch": True,
        },
        "no_model": {
            "ts": "2026-11-10T11:02:33.500-05:00",
            "request_id": ids.provider("openai"),
            "provider": "openai",
            "team": "docs",
            "feature": "summarise",
            "status": "ok",
            "usage": {"prompt_tokens": 4100, "completion_tokens": 300, "total_tokens": 4400},
        },
        "lots_id": {p: ids.provider(p) for p in ("openai", "google", None)},
        "torn": rec(
            None,
            request_id=ids.provider("anthropic"),
            provider="anthropic",
            model="claude-sonnet-4-20250514",
            team="growth",
            feature="chat",
        ),
    }


def build_sample(seed: int = SAMPLE_SEED) -> Sample:
    sc = Scenario(seed)
    sc.build()
    by_file: dict[str, list[Call]] = {name: [] for name in SAMPLE_FILES}
    for c in sc.calls:
        by_file[c.file].append(c)
    bad = _malformed(seed)
    planted: list[Planted] = []
    files: dict[str, bytes] = {}

    def jsonl(name: str, lines: list[str]) -> None:
        files[name] = "".join(line + "\n" for line in lines).encode()

    # app-2026-10.jsonl.gz: ends with a line the logger was killed in the middle of
    oct_lines = [compact(native_obj(c)) for c in by_file[F_OCT]]
    torn = {"ts": iso(by_file[F_OCT][-1].ts_ms + 7), **bad["torn"]}
    torn_line = compact(torn)
    oct_lines.append(torn_line[: len(torn_line) * 3 // 5])
    planted.append(Planted(F_OCT, len(oct_lines), "broken JSON (truncated line)"))
    jsonl(F_OCT, oct_lines)

    nov_lines = [compact(native_obj(c)) for c in by_file[F_NOV]]
    jsonl(F_NOV, nov_lines)

    # app-2026-11-22.jsonl: starts with the last record of the previous file (re-exported at rotation)
    again = max(i for i, c in enumerate(by_file[F_NOV]) if c.request_id)
    cur_lines = [nov_lines[again]]
    planted.append(Planted(F_CUR, 1, f"re-export of {F_NOV}:{again + 1} (same record)"))
    cur = [compact(native_obj(c)) for c in by_file[F_CUR]]
    n = len(cur)
    inserts = {
        n * 1 // 10: ("missing ts", compact(bad["missing_ts"])),
        n * 2 // 10: ("unparsable ts", compact(bad["bad_ts"])),
        n * 3 // 10: ("JSON array instead of an object", compact(bad["array"])),
        n * 5 // 10: ("empty object", compact(bad["empty"])),
    }
    dup_at = next(i for i in range(n * 7 // 10, n) if by_file[F_CUR][i].request_id)
    for i, line in enumerate(cur):
        if i in inserts:
            kind, text = inserts[i]
            cur_lines.append(text)
            planted.append(Planted(F_CUR, len(cur_lines), kind))
        cur_lines.append(line)
        if i == dup_at:
            cur_lines.append(line)
            planted.append(Planted(F_CUR, len(cur_lines), f"exact duplicate of line {len(cur_lines) - 1}"))
    jsonl(F_CUR, cur_lines)

    # raw-responses.jsonl (default json separators: this service logs with json.dumps(obj))
    raw_lines = [json.dumps(raw_obj(c)) for c in by_file[F_RAW]]
    at = next(
        i for i, c in enumerate(by_file[F_RAW]) if c.ts_ms >= _ms(datetime(2026, 11, 10, 16, tzinfo=UTC))
    )
    raw_lines.insert(at, json.dumps(bad["no_model"]))
    planted.append(Planted(F_RAW, at + 1, "missing model"))
    jsonl(F_RAW, raw_lines)

    jsonl(F_HELPDESK, [compact(native_obj(c)) for c in by_file[F_HELPDESK]])

    batch_lines = [compact(native_obj(c)) for c in by_file[F_BATCH]]
    at = next(
        i for i, c in enumerate(by_file[F_BATCH]) if c.ts_ms >= _ms(datetime(2026, 11, 17, 1, 20, tzinfo=UTC))
    )
    batch_lines.insert(at, compact(bad["negative"]))
    planted.append(Planted(F_BATCH, at + 1, "negative tokens"))
    jsonl(F_BATCH, batch_lines)

    jsonl(F_AGENTS, [compact(native_obj(c)) for c in by_file[F_AGENTS]])

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    rows = [csv_row(c) for c in by_file[F_CSV]]
    at = len(rows) // 2
    lots = list(rows[at])
    lots[CSV_COLUMNS.index("request_id")] = bad["lots_id"][by_file[F_CSV][at].provider]
    lots[CSV_COLUMNS.index("input_tokens")] = "lots"
    lots[CSV_COLUMNS.index("cost_usd")] = ""
    rows.insert(at, lots)
    planted.append(Planted(F_CSV, at + 2, "non-numeric tokens"))
    writer.writerows(rows)
    files[F_CSV] = buf.getvalue().encode()

    return Sample(seed, sc.calls, sc.users, files, planted)


def gz_bytes(data: bytes) -> bytes:
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz:
        gz.write(data)
    return out.getvalue()


def users_csv(sample: Sample) -> bytes:
    """The user directory: ~70% of the customers plus the employees (who have a team)."""
    rng = random.Random(f"{sample.seed}:directory")
    rows = [(u.user_id, u.tier, "") for u in sample.users if rng.random() < 0.7]
    rows += [(emp, "enterprise", team) for emp, team in EMPLOYEES]
    rows.sort()
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(("user_id", "user_tier", "team"))
    writer.writerows(rows)
    return buf.getvalue().encode()


def generate_sample(
    out_dir: str | os.PathLike[str], seed: int = SAMPLE_SEED, users_path: Any = None
) -> Sample:
    """Write the sample's files into ``out_dir`` (and the users directory to ``users_path``)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    sample = build_sample(seed)
    for name, data in sample.files.items():
        (out / name).write_bytes(gz_bytes(data) if name.endswith(".gz") else data)
    if users_path is not None:
        Path(users_path).parent.mkdir(parents=True, exist_ok=True)
        Path(users_path).write_bytes(users_csv(sample))
    return sample


def sample_truth(seed: int = SAMPLE_SEED) -> list[dict[str, Any]]:
    """Canonical values of every well-formed call of the sample, once each, in time order."""
    return [c.truth() for c in build_sample(seed).calls]


def facts(sample: Sample) -> str:
    """A human-readable summary of what the sample contains."""
    calls = sample.calls
    lines = [f"calls (well-formed, unique): {len(calls)}"]

    def count(key: Any) -> str:
        tally: dict[Any, int] = {}
        for c in calls:
            k = key(c)
            tally[k] = tally.get(k, 0) + 1
        return ", ".join(f"{k}={v}" for k, v in sorted(tally.items(), key=lambda kv: (-kv[1], str(kv[0]))))

    lines.append("per file: " + count(lambda c: c.file))
    lines.append("per feature: " + count(lambda c: c.feature))
    lines.append("per team (as logged): " + count(lambda c: c.team))
    lines.append("per provider: " + count(lambda c: c.provider))
    lines.append("per model: " + count(lambda c: c.model))
    lines.append("per user_tier (as logged): " + count(lambda c: c.user_tier))
    lines.append("per status: " + count(lambda c: c.status))
    lines.append("per ts style: " + count(lambda c: c.ts_style))
    lines.append("task_outcome: " + count(lambda c: c.task_outcome))
    lines.append("response_cache_hit: " + count(lambda c: c.response_cache_hit))
    lines.append("batch: " + count(lambda c: c.batch))
    before = sum(c.ts_ms < START_MS for c in calls)
    after = sum(c.ts_ms >= END_MS for c in calls)
    lines.append(f"outside the window: {before} before 2026-10-12T00:00Z, {after} at/after 2026-11-23T00:00Z")
    users = {c.user_id for c in calls if c.user_id}
    lines.append(f"distinct user_id: {len(users)}; without user_id: {sum(c.user_id is None for c in calls)}")
    tasks = {c.task_id for c in calls if c.feature == "agent"}
    lines.append(f"agent tasks: {len(tasks)}")
    lines.append("planted:")
    lines += [f"  {p.file}:{p.line} -> {p.kind}" for p in sample.planted]
    return "\n".join(lines)


# --------------------------------------------------------------------------- bulk


BULK_MODELS = (
    ("classify", "platform", "gpt-4o-mini", "openai", "chatcmpl-", 30, (150, 600), (1, 6), 0),
    ("chat", "growth", "claude-sonnet-4-20250514", "anthropic", "msg_01", 18, (1800, 12000), (60, 900), 0),
    ("chat", "growth", "gpt-4.1", "openai", "chatcmpl-", 6, (1500, 9000), (60, 900), 0),
    ("agent", "platform", "claude-sonnet-4-20250514", "anthropic", "msg_01", 10, (4000, 40000), (50, 800), 0),
    ("agent", "platform", "o3", "openai", "chatcmpl-", 3, (4000, 40000), (50, 600), 1),
    ("agent", "platform", "claude-opus-4-1", "anthropic", "msg_01", 2, (4000, 40000), (50, 800), 0),
    ("summarise", "docs", "gemini-2.5-flash", "google", "", 10, (1500, 30000), (100, 700), 1),
    ("summarise", "docs", "gpt-4o-mini", "openai", "chatcmpl-", 6, (1500, 20000), (100, 700), 0),
    ("search-answer", "support", "gemini-2.5-flash", "google", "", 10, (1500, 8000), (60, 600), 1),
    ("search-answer", "support", "gpt-4.1-mini", "openai", "chatcmpl-", 5, (1500, 8000), (60, 600), 0),
)


def _bulk_tables(rng: random.Random, n_users: int = 5000) -> tuple[list[str], list[str], list[str]]:
    """Precomputed JSON fragments: (id prefix, call body) pairs and user bodies."""
    tiers = [("free", 0.7), ("pro", 0.25), ("enterprise", 0.05)]
    users = [f"u_{rng.getrandbits(32):08x}" for _ in range(n_users)]
    user_tier = [pick(rng, tuple(tiers)) for _ in users]
    weights = [rng.paretovariate(1.2) for _ in users]
    cum, total = [], 0.0
    for w in weights:
        total += w
        cum.append(total)
    user_parts = []
    for _ in range(4093):
        i = rng.choices(range(n_users), cum_weights=cum)[0]
        region = "eu-central-1" if rng.random() < 0.3 else "us-east-1"
        user_parts.append(
            f'"user_id":"{users[i]}","user_tier":"{user_tier[i]}","env":"prod","region":"{region}"}}\n'
        )
    prefixes, bodies = [], []
    weights_m = [m[5] for m in BULK_MODELS]
    for _ in range(4096):
        feat, team, model, provider, pre, _w, (ilo, ihi), (olo, ohi), reasons = rng.choices(
            BULK_MODELS, weights_m
        )[0]
        inp = int(math.exp(rng.uniform(math.log(ilo), math.log(ihi))))
        out = int(math.exp(rng.uniform(math.log(olo), math.log(ohi))))
        cached = openai_cached(inp) if provider == "openai" and rng.random() < 0.6 else 0
        if provider == "anthropic" and rng.random() < 0.8:
            cached = int(inp * rng.uniform(0.5, 0.95))
        reasoning = int(out * rng.uniform(0.3, 0.8)) if reasons else 0
        status = "error" if rng.random() < 0.01 else "ok"
        body = (
            f'"provider":"{provider}","model":"{model}","input_tokens":{inp},"cached_input_tokens":{cached},'
            f'"output_tokens":{out + reasoning},"reasoning_tokens":{reasoning},'
            f'"team":"{team}","feature":"{feat}",'
            f'"status":"{status}","latency_ms":{300 + out * 12 + rng.randrange(400)},'
        )
        salt = "".join(rng.choices(ALNUM, k=12)) if pre else "".join(rng.choices(ALNUM, k=11))
        prefixes.append(f'","request_id":"{pre}{salt}')
        bodies.append('",' + body)
    return prefixes, bodies, user_parts


SCRAMBLE = 0x9E3779B97F4A7C15  # odd: i -> i * SCRAMBLE mod 2**40 is a bijection, so ids stay unique
MASK40 = (1 << 40) - 1


def generate_bulk(
    path: str | os.PathLike[str], records: int, seed: int = 1, days: int = 60, chunk: int = 50_000
) -> float:
    """Stream ``records`` native records over ``days`` days ending 2026-11-23; return records/second."""
    rng = random.Random(seed)
    prefixes, bodies, user_parts = _bulk_tables(rng)
    idx_a = [rng.randrange(len(bodies)) for _ in range(1 << 16)]
    idx_b = [rng.randrange(len(user_parts)) for _ in range(1 << 16)]
    jitter = [rng.randrange(-30_000, 30_000) for _ in range(1 << 12)]
    start = END_MS - days * DAY_MS
    span = days * DAY_MS - 60_000
    day_str = [f"{EPOCH + timedelta(milliseconds=start + d * DAY_MS):%Y-%m-%d}T" for d in range(days + 1)]
    hms = [f"{h:02d}:{m:02d}:{s:02d}." for h in range(24) for m in range(60) for s in range(60)]
    step = span / max(1, records)
    t0 = time.perf_counter()
    with open(path, "w", encoding="ascii", newline="\n", buffering=1 << 20) as fh:
        for lo in range(0, records, chunk):
            hi = min(records, lo + chunk)
            out = []
            append = out.append
            for i in range(lo, hi):
                t = int(i * step) + 30_000 + jitter[i & 4095]
                sec, ms = divmod(t, 1000)
                day, sod = divmod(sec, 86_400)
                a = idx_a[i & 65535]
                rid = (i * SCRAMBLE) & MASK40
                append(
                    f'{{"ts":"{day_str[day]}{hms[sod]}{ms:03d}Z{prefixes[a]}{rid:010x}{bodies[a]}'
                    f"{user_parts[idx_b[(i + (i >> 16) * 40503) & 65535]]}"
                )
            fh.write("".join(out))
    elapsed = time.perf_counter() - t0
    return records / elapsed if elapsed > 0 else float("inf")


# --------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sample", help="write the demo sample (deterministic)")
    s.add_argument("--out", default=str(REPO / "sample_logs"))
    s.add_argument("--seed", type=int, default=SAMPLE_SEED)
    s.add_argument(
        "--users-csv",
        default=None,
        help="users directory to write (default: examples/users.csv when --out is the repo's sample_logs)",
    )
    b = sub.add_parser("bulk", help="stream N well-formed native records to one JSONL file")
    b.add_argument("--records", type=int, required=True)
    b.add_argument("--out", required=True)
    b.add_argument("--days", type=int, default=60)
    b.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    if args.cmd == "sample":
        users_path = args.users_csv
        if users_path is None and Path(args.out).resolve() == (REPO / "sample_logs").resolve():
            users_path = REPO / "examples" / "users.csv"
        sample = generate_sample(args.out, args.seed, users_path)
        print(facts(sample))
        for name in SAMPLE_FILES:
            p = Path(args.out) / name
            n = sample.files[name].count(b"\n")
            print(f"{p}: {p.stat().st_size} bytes, {n} lines")
        return 0
    rate = generate_bulk(args.out, args.records, args.seed, args.days)
    print(f"wrote {args.records} records to {args.out} at {rate:,.0f} records/s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
