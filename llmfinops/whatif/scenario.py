"""A what-if scenario: the options of ``llmfinops whatif``, parsed once and handed to SQL as data.

Each option is a rule ``(kind, scope, value)``; the scope names the calls it applies to by a
stored dimension (``chat`` is a feature, ``team:growth``, ``model:gpt-4o``, ...). The rules
reach SQL as a registered table (``whatif_rules``), never formatted into the query text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pyarrow as pa

from llmfinops.errors import QueryError

# The order the issue fixes: each kind sees the calls as the kinds before it left them.
KINDS: tuple[str, ...] = ("step_cap", "context_cap", "output_cap", "cache", "route", "batch")
OPTION = {
    "step_cap": "--step-cap",
    "context_cap": "--cap-context",
    "output_cap": "--cap-output",
    "cache": "--cache",
    "route": "--route",
    "batch": "--batch",
}
SCOPE_DIMENSIONS: tuple[str, ...] = ("feature", "team", "model", "model_tier", "provider", "prompt_version")

RULES_SCHEMA = pa.schema(
    [
        ("ord", pa.int32()),
        ("kind", pa.string()),
        ("dim", pa.string()),
        ("value", pa.string()),
        ("n", pa.int64()),  # step cap K, context cap N, output cap N
        ("share", pa.decimal128(18, 6)),  # cache share, exact: floor(0.29 x 100) must be 29
        ("target_model", pa.string()),  # route: as written; resolved in SQL as ingest resolves it
        ("target_provider", pa.string()),
    ]
)


@dataclass(frozen=True)
class Scope:
    dim: str
    value: str

    def __str__(self) -> str:
        return self.value if self.dim == "feature" else f"{self.dim}:{self.value}"


@dataclass(frozen=True)
class Rule:
    kind: str
    scope: Scope
    n: int | None = None
    share: Decimal | None = None
    model: str | None = None
    provider: str | None = None

    def option(self) -> str:
        """The rule as the command-line option that gives it (quoted where the shell needs it)."""
        if self.kind == "batch":
            return f"{OPTION[self.kind]} {_shell(str(self.scope))}"
        if self.kind == "cache":
            value = format(self.share, "f") if self.share is not None else ""
        elif self.kind == "route":
            value = f"{self.provider}:{self.model}" if self.provider else str(self.model)
        else:
            value = str(self.n)
        return f"{OPTION[self.kind]} {_shell(f'{self.scope}={value}')}"


@dataclass(frozen=True)
class Scenario:
    rules: tuple[Rule, ...]

    def __post_init__(self) -> None:
        if not self.rules:
            raise QueryError(
                "give at least one scenario option: --step-cap, --cap-context, "
                "--cap-output, --cache, --route or --batch"
            )

    def options(self) -> str:
        """The scenario as ``llmfinops whatif`` options, in the order the rules apply."""
        ordered = sorted(self.rules, key=lambda r: KINDS.index(r.kind))
        return " ".join(r.option() for r in ordered)

    def table(self) -> pa.Table:
        rows = [
            {
                "ord": i,
                "kind": r.kind,
                "dim": r.scope.dim,
                "value": r.scope.value,
                "n": r.n,
                "share": r.share,
                "target_model": r.model,
                "target_provider": r.provider,
            }
            for i, r in enumerate(self.rules)
        ]
        return pa.Table.from_pylist(rows, schema=RULES_SCHEMA)


def parse_scope(text: str) -> Scope:
    text = text.strip()
    if not text:
        raise QueryError(
            "empty scope: give a feature name or DIM:NAME (team, model, model_tier, provider, prompt_version)"
        )
    dim, sep, value = text.partition(":")
    if sep and dim in SCOPE_DIMENSIONS:
        if not value:
            raise QueryError(f"scope {text!r} names no {dim}")
        return Scope(dim, value)
    return Scope("feature", text)


def _split(option: str, text: str) -> tuple[Scope, str]:
    scope, sep, value = text.rpartition("=")
    if not sep or not value.strip():
        raise QueryError(f"{option} takes SCOPE=VALUE, e.g. {option} chat=…; got {text!r}")
    return parse_scope(scope), value.strip()


def _count(option: str, value: str, low: int) -> int:
    if not re.fullmatch(r"\d+", value) or int(value) < low:
        raise QueryError(f"{option} needs a whole number ≥ {low}, not {value!r}")
    return int(value)


def parse_rules(
    *,
    step_cap: list[str] = (),  # type: ignore[assignment]
    cap_context: list[str] = (),  # type: ignore[assignment]
    cap_output: list[str] = (),  # type: ignore[assignment]
    cache: list[str] = (),  # type: ignore[assignment]
    route: list[str] = (),  # type: ignore[assignment]
    batch: list[str] = (),  # type: ignore[assignment]
) -> Scenario:
    """Parse the options' text into a scenario (QueryError naming the option on bad input)."""
    rules: list[Rule] = []
    for text in step_cap:
        scope, value = _split("--step-cap", text)
        rules.append(Rule("step_cap", scope, n=_count("--step-cap", value, 1)))
    for text in cap_context:
        scope, value = _split("--cap-context", text)
        rules.append(Rule("context_cap", scope, n=_count("--cap-context", value, 1)))
    for text in cap_output:
        scope, value = _split("--cap-output", text)
        rules.append(Rule("output_cap", scope, n=_count("--cap-output", value, 0)))
    for text in cache:
        scope, value = _split("--cache", text)
        try:
            share = Decimal(value)
        except InvalidOperation:
            share = Decimal(-1)
        if not Decimal(0) <= share <= Decimal(1) or share != share.quantize(Decimal("0.000001")):
            raise QueryError(f"--cache needs a share between 0 and 1 (at most 6 decimals), not {value!r}")
        rules.append(Rule("cache", scope, share=share))
    for text in route:
        scope, value = _split("--route", text)
        provider, sep, model = value.partition(":")
        # provider:model; a bare id (which may itself hold a colon, e.g. ft:...) is a model.
        if sep and model and not value.lower().startswith("ft:"):
            rules.append(Rule("route", scope, model=model, provider=provider))
        else:
            rules.append(Rule("route", scope, model=value))
    for text in batch:
        rules.append(Rule("batch", parse_scope(text)))
    return Scenario(tuple(rules))


def _shell(text: str) -> str:
    return text if re.fullmatch(r"[A-Za-z0-9_.:=/@%+,-]+", text) else "'" + text.replace("'", "'\\''") + "'"
