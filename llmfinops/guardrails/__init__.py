"""Guardrails: the config's alert rules and the built-in checks, judged for one period.

``llmfinops check`` is the command; :func:`llmfinops.guardrails.run.run_check` the library
call behind it. This package's ``__init__`` imports nothing heavy, so the config can read
``[[alerts]]`` through :mod:`llmfinops.guardrails.rules` without DuckDB.
"""
