"""Running mappings on extracts and validating the result (the only home of pandera).

Public API:

- readers: :class:`ExtractReader` ``(path, legacy_table, ReadOptions)`` → batches of all-text frames with
  ``__row``/``__line``, and line-level findings (DAT0xx)
- run: :class:`Job`, :class:`RunOptions`, :func:`run_jobs` ``-> RunResult`` (report, outputs, 外字 list),
  :func:`run_mapping_files` (workbook + extract paths, through ``migrator.mapping``)
- outputs: :func:`write_run_reports` (JSON, Excel with findings by item / examples / 外字, HTML with a chart)
- store: ``migrator.store.validation_repo.save_run``
"""

import warnings

# pandera imports pyspark.pandas when pyspark is installed (the `spark` extra), and pyspark warns on every import
# that it does not support pandas 3 yet; migrator uses neither pandas nor pyspark.pandas, so the warning says
# nothing to a user and is kept out of every run's output.
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)

from migrator.validation.readers import ExtractReader, ReadOptions  # noqa: E402 (after the filter)
from migrator.validation.run import Job, RunOptions, RunResult, TableRun, run_jobs  # noqa: E402

__all__ = ["ExtractReader", "Job", "ReadOptions", "RunOptions", "RunResult", "TableRun", "run_jobs"]
