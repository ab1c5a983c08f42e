"""The sentences of "Why spend moved": which effects they name and how, from hand-made rows."""

from __future__ import annotations

from llmfinops.report.why import named_effects, sentence


def row(**values: object) -> dict:
    base = dict(
        scope="feature", team="platform", feature="agent", base_cost_usd=27.40, cost_usd=56.37,
        change_usd=28.97, volume_usd=7.57, iteration_usd=-2.69, response_cache_usd=0.0,
        tokens_per_call_usd=-4.51, model_mix_usd=27.02, unit_price_usd=1.58,
        actions_0=81, actions_1=99, calls_per_action_0=8.95, calls_per_action_1=8.33,
        model_call_share_0=1.0, model_call_share_1=1.0, tokens_per_call_0=31_483.4,
        tokens_per_call_1=27_932.2,
    )  # fmt: skip
    return {**base, **values}


def test_names_effects_of_at_least_a_tenth_of_the_change_largest_first_at_most_three():
    # |change| 28.97: 10% is 2.897. model mix 27.02, volume 7.57, tokens per call -4.51 qualify;
    # iteration -2.69 (< 2.897) and unit price 1.58 do not.
    assert [e for e, _ in named_effects(row())] == ["model_mix", "volume", "tokens_per_call"]
    # +$28.97 on $27.40 is +105.7% -> +106%.
    assert sentence(row()) == (
        "agent (platform): +$28.97 (+106%): model mix +$27.02, volume +$7.57 (81 → 99 actions), "
        "tokens per call -$4.51 (31k → 28k)"
    )


def test_at_most_three_even_when_more_qualify():
    # All five non-zero effects are >= 2.897; the largest three: 27.02, 6.0, then a tie at 5.0,
    # which goes to the effect that comes first in the formula (tokens per call, not unit price).
    many = row(iteration_usd=-6.0, unit_price_usd=5.0, volume_usd=4.0, tokens_per_call_usd=-5.0)
    assert [e for e, _ in named_effects(many)] == ["model_mix", "iteration", "tokens_per_call"]


def test_driver_values_and_their_precision():
    # Calls per action and the response cache's share show their base and current values, with
    # as many decimals as it takes to tell them apart; 12,460 vs 12,410 tokens need one more.
    r = row(
        change_usd=-1.0, model_mix_usd=0.0, volume_usd=0.0, unit_price_usd=0.0,
        iteration_usd=-0.5, response_cache_usd=-0.3, tokens_per_call_usd=-0.2,
        model_call_share_0=0.93, model_call_share_1=0.80,
        tokens_per_call_0=12_460.0, tokens_per_call_1=12_410.0,
    )  # fmt: skip
    assert sentence(r) == (
        "agent (platform): -$1.00 (-4%): iteration -$0.50 (8.95 → 8.33 calls per action), "
        "response cache -$0.30 (93.0% → 80.0% of calls reached a model), "
        "tokens per call -$0.20 (12.5k → 12.4k)"
    )


def test_new_group_no_change_and_names():
    new = row(scope="team", team="growth", feature=None, base_cost_usd=0.0, cost_usd=5.0, change_usd=5.0,
              volume_usd=5.0, iteration_usd=0.0, tokens_per_call_usd=0.0, model_mix_usd=0.0,
              unit_price_usd=0.0, actions_0=0, calls_per_action_0=None, tokens_per_call_0=None)  # fmt: skip
    # No driver values for a group that had no calls before.
    assert sentence(new) == "Team growth: +$5.00 (new): volume +$5.00"
    flat = row(scope="total", change_usd=0.004, cost_usd=12.0)
    assert sentence(flat) == "All spend: no change to the cent ($12.00 now)"
    assert sentence(row(feature=None)).startswith("(none) (platform): ")
