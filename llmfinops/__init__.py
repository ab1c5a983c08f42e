"""llmfinops: offline FinOps for LLM spend.

The library is usable without the CLI::

    from llmfinops import Warehouse, ingest_paths
    wh = Warehouse("llmfinops-data")
    summary = ingest_paths(wh, ["sample_logs/"])
"""

from importlib.metadata import PackageNotFoundError, version

from llmfinops.errors import LlmFinopsError

try:
    __version__ = version("llmfinops")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["LlmFinopsError", "__version__"]
