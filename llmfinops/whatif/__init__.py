"""What-if re-pricing: what the stored history would have cost under a scenario.

from llmfinops.whatif import parse_rules, whatif
table = whatif(con, parse_rules(route=["chat=gpt-4o-mini"]), period=period)
"""

from llmfinops.whatif.engine import WHATIF_GROUP_BYS, whatif
from llmfinops.whatif.scenario import KINDS, Rule, Scenario, Scope, parse_rules, parse_scope

__all__ = ["KINDS", "WHATIF_GROUP_BYS", "Rule", "Scenario", "Scope", "parse_rules", "parse_scope", "whatif"]
