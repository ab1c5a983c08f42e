"""Savings opportunities (issue 14)."""
