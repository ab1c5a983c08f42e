"""Placeholder until this command family lands; registers nothing."""

import typer


def register(app: typer.Typer) -> None:
    return None
