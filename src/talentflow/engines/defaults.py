"""Engine settings light enough to import anywhere (the CLI's option defaults)."""

from __future__ import annotations

DEFAULT_SPARK_MASTER = "local[2]"
"""The Spark master a Spark engine uses unless told otherwise (two local cores)."""

ENGINE_NAMES = ("duckdb", "spark")
"""The engines ``--engine`` accepts."""
