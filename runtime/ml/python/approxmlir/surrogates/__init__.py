"""approxmlir.surrogates: NN surrogates for HPAC-ML (`#pragma approx ml`) regions.

From the HDF5 database the C++ runtime collects (runtime/ml/README.md) to the
TorchScript models it loads:

- `dataset`: `load_region(path, region) -> RegionData`, `list_regions`, and
  the train/validation split (whole calls held out);
- `models`: `MLPConfig` and `Surrogate` (standardise -> MLP -> de-standardise
  on the last dim, any leading dims);
- `training`: `TrainConfig`, `train(...) -> TrainResult` (Adam, early stopping);
- `export`: TorchScript archives and single-threaded inference timing;
- `search`: `SearchConfig`, `search(...) -> SearchResult`, a multi-objective
  Optuna study over architectures (validation RMSE vs. seconds per row) that
  writes search.json, model.<k>.pt for the Pareto front and model.pt;
- `cli`: `python -m approxmlir.surrogates.cli --database=... --region=...`.
"""

from approxmlir.surrogates.dataset import RegionData, list_regions, load_region
from approxmlir.surrogates.models import MLPConfig, Surrogate, parameter_count
from approxmlir.surrogates.search import (
    ParetoModel,
    SearchConfig,
    SearchResult,
    TrialRecord,
    search,
)
from approxmlir.surrogates.training import TrainConfig, TrainResult, train

__all__ = [
    "MLPConfig",
    "ParetoModel",
    "RegionData",
    "SearchConfig",
    "SearchResult",
    "Surrogate",
    "TrainConfig",
    "TrainResult",
    "TrialRecord",
    "list_regions",
    "load_region",
    "parameter_count",
    "search",
    "train",
]
