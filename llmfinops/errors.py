"""Exception types that cross the library/CLI boundary.

Every message is written for a person: the CLI prints it as ``Error: <message>`` and exits
non-zero, with no traceback (logs carry prompts and keys, so locals must never be shown).
"""


class LlmFinopsError(Exception):
    """Base class: a problem the user can fix (bad path, bad config, bad query)."""


class InputError(LlmFinopsError):
    """An input path cannot be read at all (missing, unreadable, unknown format)."""


class ConfigError(LlmFinopsError):
    """The TOML config file is missing, malformed or inconsistent."""


class QueryError(LlmFinopsError):
    """A metric name, period or analyst query is not acceptable."""


class StoreError(LlmFinopsError):
    """The warehouse is missing or cannot be written."""
