"""The autotuner: `tune` (section 5.2 and Appendix D of the ApproxMLIR paper).

- `tune(mlir_source, evaluate_fn, accuracy_threshold, time_budget, result_callback, options=TuneOptions(...))`
- `Driver`: subclass with `run_application(config)` and call `.tune(...)`
- `reevaluate(result, evaluate_fn, split="eval")`: frontier on held-out data
- `compare_search_spaces(...)`: static-only versus dynamic decision trees
- `compare_choices(static_front, dynamic_front, levels)`: their choices'
  differences in speedup and loss with intervals, and a verdict
- `timing`: repeated, interleaved timing with the exact configuration
"""

from approxmlir.tuner.comparison import compare_choices, comparison_table, heldout_report
from approxmlir.tuner.database import Record, ResultsDB
from approxmlir.tuner.driver import Driver
from approxmlir.tuner.executors import Executor, Outcome, make_executor
from approxmlir.tuner.experiments import compare_search_spaces, reevaluate
from approxmlir.tuner.options import TuneOptions
from approxmlir.tuner.pareto import Point, frontier, speedup_table, transfer_table
from approxmlir.tuner.space import DYNAMIC, STATIC, Configuration, SearchSpace, config_key
from approxmlir.tuner.tuning import TuningError, TuningResult, tune

__all__ = [
    "DYNAMIC",
    "STATIC",
    "Configuration",
    "Driver",
    "Executor",
    "Outcome",
    "Point",
    "Record",
    "ResultsDB",
    "SearchSpace",
    "TuneOptions",
    "TuningError",
    "TuningResult",
    "compare_choices",
    "compare_search_spaces",
    "comparison_table",
    "config_key",
    "frontier",
    "heldout_report",
    "make_executor",
    "reevaluate",
    "speedup_table",
    "transfer_table",
    "tune",
]
