"""Savings opportunities ranked by dollars, each with evidence, risk and the whatif that proves it.

from llmfinops.savings import savings
table = savings(con, period=period, config=config)
"""

from llmfinops.savings.opportunities import SCHEMA, savings

__all__ = ["SCHEMA", "savings"]
