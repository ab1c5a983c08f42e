"""The TOML config file: price overrides, model tiers, dimensions, tiers' ARPU, budgets, chargeback.

Found at ``--config PATH``, else ``$LLMFINOPS_CONFIG``, else ``llmfinops.toml`` in the
current directory; without one every setting has its default. Example (all keys optional)::

    [pricing]
    discounts = { openai = 0.10 }           # negotiated discount on catalog prices, per provider
    batch_discounts = { openai = 0.5, anthropic = 0.5 }

    [[pricing.models]]                      # a self-hosted / fine-tuned model, or a price that wins
    model = "acme-llama-70b"                # over the catalog (cost_source = 'override')
    input_per_mtok = 0.60
    output_per_mtok = 0.80
    cache_read_per_mtok = 0.06              # optional; defaults to the input price
    cache_write_per_mtok = 0.75             # optional; defaults to the input price
    tier = "mid"                            # optional
    since = "2026-01-01"                    # optional: price in force from this UTC day

    [models]
    aliases = { "gpt4o" = "gpt-4o" }
    tiers = { "acme-*" = "mid" }            # glob → tier, checked before the defaults

    [dimensions]
    users_file = "users.csv"                # user_id,user_tier,team (fills rows that lack them)
    feature_owner = { chat = "growth", summarise = "docs" }

    [user_tiers.pro]
    arpu_usd_month = 20.0                   # revenue per user per month → cost_to_arpu
    user_ceiling_usd = 4.0                  # per-user cost ceiling for the period (budget usage)

    [features.chat]                         # revenue per feature -> inference-margin (one of:)
    revenue_usd_month = 3000.0              # prorated: x period days / 30
    # revenue_usd_per_action = 0.02         # x the feature's actions in the period
    # revenue_usd_per_task = 0.99           # x the feature's tasks in the period

    [features.classify]
    gate_for = "chat"                       # classify is a gate in front of chat -> gate-intercept

    [[alerts]]                              # rules for `llmfinops check` (llmfinops/guardrails/rules.py)
    name = "chat margin"
    metric = "inference-margin"
    column = "margin"
    by = "feature"
    where = "chat"
    op = "<"
    threshold = 0.40
    severity = "critical"

    [check]                                 # the built-in checks
    max_unpriced_calls = 0                  # warn when more calls than this are unpriced
    max_quarantined_records = 0
    disable = ["silent source"]

    [budgets]
    team = { growth = 1500.0 }              # monthly USD
    feature = { chat = 800.0 }

    [chargeback]
    allocation = "proportional"             # proportional | even | owner
    owner_team = "platform"                 # with allocation = "owner"
    adjustments = { growth = 0.05, docs = -0.10 }   # markup (+) or discount (-) per team

    [publish]
    iceberg = "sqlite:////srv/finops/iceberg.db"   # re-sync this Iceberg catalog after every ingest
    table = "llmfinops.calls"                      # optional, namespace.table
    data_uri = "s3://bucket/llmfinops/calls"       # optional: where readers see calls/ (synced copy)

    [ingest]
    max_line_mb = 16                        # a longer line is quarantined ("line over 16 MB")
    max_depth = 1000                        # a deeper-nested line is quarantined ("too deeply nested")
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from llmfinops.analysis_settings import AnalysisSettings, parse_analysis
from llmfinops.errors import ConfigError
from llmfinops.guardrails.rules import AlertRule, CheckSettings, parse_alerts, parse_check

DEFAULT_CONFIG_NAME = "llmfinops.toml"
ALLOCATION_RULES = ("proportional", "even", "owner")


@dataclass(frozen=True)
class ModelPrice:
    """A price that wins over the catalog for one model (USD per million tokens)."""

    model: str
    input_per_mtok: float
    output_per_mtok: float
    cache_read_per_mtok: float | None = None
    cache_write_per_mtok: float | None = None
    provider: str | None = None
    tier: str | None = None
    since: date | None = None


@dataclass(frozen=True)
class TierEconomics:
    arpu_usd_month: float | None = None
    user_ceiling_usd: float | None = None


REVENUE_KEYS = ("revenue_usd_month", "revenue_usd_per_action", "revenue_usd_per_task")


@dataclass(frozen=True)
class FeatureEconomics:
    """``[features.NAME]``: at most one way the feature earns, and the feature it gates."""

    revenue_usd_month: float | None = None
    revenue_usd_per_action: float | None = None
    revenue_usd_per_task: float | None = None
    gate_for: str | None = None


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    discounts: dict[str, float] = field(default_factory=dict)
    batch_discounts: dict[str, float] = field(default_factory=lambda: {"openai": 0.5, "anthropic": 0.5})
    model_prices: tuple[ModelPrice, ...] = ()
    # [[pricing.modifiers]]: rows added to / replacing the shipped modifier table
    modifiers: tuple[Any, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)
    tier_patterns: dict[str, str] = field(default_factory=dict)
    users_file: Path | None = None
    feature_owner: dict[str, str] = field(default_factory=dict)
    user_tiers: dict[str, TierEconomics] = field(default_factory=dict)
    team_budgets: dict[str, float] = field(default_factory=dict)
    feature_budgets: dict[str, float] = field(default_factory=dict)
    allocation: str = "proportional"
    owner_team: str | None = None
    adjustments: dict[str, float] = field(default_factory=dict)
    publish_iceberg: str | None = None  # catalog URI re-synced after every ingest
    publish_table: str = "llmfinops.calls"
    publish_data_uri: str | None = None  # where the readers see calls/, when not this disk
    features: dict[str, FeatureEconomics] = field(default_factory=dict)
    alerts: tuple[AlertRule, ...] = ()
    check: CheckSettings = field(default_factory=CheckSettings)
    analysis: AnalysisSettings = field(default_factory=AnalysisSettings)  # [whatif] [agents] [savings]
    max_line_mb: float = 16
    max_depth: int = 1000

    def pricing_fingerprint(self) -> str:
        """A short hash of everything that changes a price, recorded on every priced row."""
        payload = {
            "discounts": self.discounts,
            "batch": self.batch_discounts,
            "models": [vars(m) for m in self.model_prices],
            "modifiers": [vars(m) for m in self.modifiers],
            "aliases": self.aliases,
        }
        blob = json.dumps(payload, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:10]


def find_config(explicit: str | Path | None = None) -> Path | None:
    """The config file to use, or None when there is none (defaults apply)."""
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"config file not found: {path}")
        return path
    env = os.environ.get("LLMFINOPS_CONFIG")
    if env:
        path = Path(env)
        if not path.is_file():
            raise ConfigError(f"LLMFINOPS_CONFIG points to a missing file: {path}")
        return path
    local = Path(DEFAULT_CONFIG_NAME)
    return local if local.is_file() else None


def load_config(explicit: str | Path | None = None) -> Config:
    """Read and validate the config file (see the module docstring for its keys)."""
    path = find_config(explicit)
    if path is None:
        return Config()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config {path}: {exc}") from None
    return parse_config(raw, path)


def parse_config(raw: dict[str, Any], path: Path | None = None) -> Config:
    base = path.parent if path else Path(".")
    pricing = _table(raw, "pricing")
    models = _table(raw, "models")
    dims = _table(raw, "dimensions")
    budgets = _table(raw, "budgets")
    charge = _table(raw, "chargeback")
    publish = _table(raw, "publish")
    ingest = _table(raw, "ingest")

    allocation = str(charge.get("allocation", "proportional"))
    if allocation not in ALLOCATION_RULES:
        raise ConfigError(
            f"chargeback.allocation must be one of {', '.join(ALLOCATION_RULES)}, not {allocation!r}"
        )
    owner_team = charge.get("owner_team")
    if allocation == "owner" and not owner_team:
        raise ConfigError("chargeback.allocation = 'owner' needs chargeback.owner_team")

    users_file = dims.get("users_file")
    return Config(
        path=path,
        discounts=_fractions(pricing.get("discounts", {}), "pricing.discounts"),
        batch_discounts=_fractions(
            pricing.get("batch_discounts", {"openai": 0.5, "anthropic": 0.5}), "pricing.batch_discounts"
        ),
        model_prices=tuple(_model_price(m) for m in pricing.get("models", [])),
        modifiers=_modifiers(pricing.get("modifiers", []), pricing.get("regional_processing", [])),
        aliases={str(k).lower(): str(v).lower() for k, v in models.get("aliases", {}).items()},
        tier_patterns={str(k).lower(): _tier(v) for k, v in models.get("tiers", {}).items()},
        users_file=(base / users_file) if users_file else None,
        feature_owner={str(k): str(v) for k, v in dims.get("feature_owner", {}).items()},
        user_tiers={
            str(name): TierEconomics(
                arpu_usd_month=_opt_float(t.get("arpu_usd_month"), f"user_tiers.{name}.arpu_usd_month"),
                user_ceiling_usd=_opt_float(t.get("user_ceiling_usd"), f"user_tiers.{name}.user_ceiling_usd"),
            )
            for name, t in _table(raw, "user_tiers").items()
        },
        team_budgets=_money_map(budgets.get("team", {}), "budgets.team"),
        feature_budgets=_money_map(budgets.get("feature", {}), "budgets.feature"),
        allocation=allocation,
        owner_team=str(owner_team) if owner_team else None,
        adjustments={str(k): float(v) for k, v in charge.get("adjustments", {}).items()},
        publish_iceberg=str(publish["iceberg"]) if publish.get("iceberg") else None,
        publish_table=str(publish.get("table", "llmfinops.calls")),
        publish_data_uri=str(publish["data_uri"]) if publish.get("data_uri") else None,
        features={str(name): _feature(str(name), f) for name, f in _table(raw, "features").items()},
        alerts=parse_alerts(raw.get("alerts", [])),
        check=parse_check(raw.get("check", {})),
        analysis=parse_analysis(raw),
        max_line_mb=_positive(ingest.get("max_line_mb", 16), "ingest.max_line_mb"),
        max_depth=int(_positive(ingest.get("max_depth", 1000), "ingest.max_depth", whole=True)),
    )


def _feature(name: str, raw: Any) -> FeatureEconomics:
    where = f"features.{name}"
    if not isinstance(raw, dict):
        raise ConfigError(f"[{where}] must be a table")
    unknown = set(raw) - {*REVENUE_KEYS, "gate_for"}
    if unknown:
        raise ConfigError(
            f"[{where}] has unknown key(s) {sorted(unknown)}; known: {[*REVENUE_KEYS, 'gate_for']}"
        )
    given = [k for k in REVENUE_KEYS if k in raw]
    if len(given) > 1:
        raise ConfigError(f"[{where}] has {' and '.join(given)}: give at most one revenue key per feature")
    gate_for = raw.get("gate_for")
    if gate_for is not None and (not isinstance(gate_for, str) or not gate_for or gate_for == name):
        raise ConfigError(f"{where}.gate_for must name another feature, not {gate_for!r}")
    return FeatureEconomics(
        **{k: _opt_float(raw.get(k), f"{where}.{k}") for k in REVENUE_KEYS},
        gate_for=gate_for,
    )


def _table(raw: dict[str, Any], key: str) -> dict[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"[{key}] must be a table")
    return value


def _positive(value: Any, where: str, whole: bool = False) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value > 0
    if not ok or (whole and value != int(value)):
        raise ConfigError(f"{where} must be a positive {'whole ' if whole else ''}number")
    return float(value)


def _tier(value: Any) -> str:
    if value not in ("budget", "mid", "frontier"):
        raise ConfigError(f"model tier must be budget, mid or frontier, not {value!r}")
    return str(value)


def _opt_float(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if not isinstance(value, int | float) or value < 0:
        raise ConfigError(f"{where} must be a non-negative number")
    return float(value)


def _fractions(values: dict[str, Any], where: str) -> dict[str, float]:
    out = {}
    for k, v in values.items():
        if not isinstance(v, int | float) or not 0 <= v < 1:
            raise ConfigError(f"{where}.{k} must be a fraction in [0, 1), e.g. 0.1 for 10% off")
        out[str(k).lower()] = float(v)
    return out


def _money_map(values: dict[str, Any], where: str) -> dict[str, float]:
    return {str(k): _opt_float(v, f"{where}.{k}") or 0.0 for k, v in values.items()}


def _model_price(m: Any) -> ModelPrice:
    if not isinstance(m, dict) or "model" not in m:
        raise ConfigError("each [[pricing.models]] entry needs a model")
    where = f"pricing.models[{m['model']}]"
    for key in ("input_per_mtok", "output_per_mtok"):
        if key not in m:
            raise ConfigError(f"{where} needs {key}")
    since = m.get("since")
    if since is not None and not isinstance(since, date):
        try:
            since = date.fromisoformat(str(since))
        except ValueError:
            raise ConfigError(f"{where}.since must be a date (YYYY-MM-DD)") from None
    return ModelPrice(
        model=str(m["model"]).lower(),
        input_per_mtok=_opt_float(m["input_per_mtok"], where) or 0.0,
        output_per_mtok=_opt_float(m["output_per_mtok"], where) or 0.0,
        cache_read_per_mtok=_opt_float(m.get("cache_read_per_mtok"), where),
        cache_write_per_mtok=_opt_float(m.get("cache_write_per_mtok"), where),
        provider=str(m["provider"]).lower() if m.get("provider") else None,
        tier=_tier(m["tier"]) if m.get("tier") else None,
        since=since,
    )


def _modifiers(raw: Any, regional: Any) -> tuple[Any, ...]:
    from llmfinops.pricing import modifiers  # the pricing package imports this module

    if not isinstance(raw, list):
        raise ConfigError("pricing.modifiers must be a list of tables ([[pricing.modifiers]])")
    if not isinstance(regional, list):
        raise ConfigError(
            "pricing.regional_processing must be a list of tables ([[pricing.regional_processing]])"
        )
    # regional processing rows join the modifier table (modifier = 'regional_processing')
    return tuple(modifiers.parse(m, "pricing.modifiers") for m in raw) + tuple(
        modifiers.parse_regional(m, "pricing.regional_processing") for m in regional
    )
