"""The Spark engine: national audits on an existing distributed engine.

It partitions and moves the data and calls the same chunk audit the local engine calls
(``audit.chunks``); no rule logic lives here. PySpark is the optional ``spark`` extra,
imported only when this engine runs.
"""

from caseguard.scale.engine import OUTPUT_FORMATS, run_spark_audit

__all__ = ["OUTPUT_FORMATS", "run_spark_audit"]
