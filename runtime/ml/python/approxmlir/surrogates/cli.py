"""Searches surrogates for one region of an HPAC-ML database.

    python -m approxmlir.surrogates.cli --database=d.h5 --region=r \
        --out_dir=models/r --trials=30 --timeout=1800

writes <out_dir>/search.json, model.pt and model.<k>.pt (the Pareto front by
increasing validation error) and prints the Pareto models.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence

from absl import app, flags, logging

from approxmlir.surrogates.dataset import list_regions, load_region
from approxmlir.surrogates.search import SearchConfig, SearchResult, search

_DATABASE = flags.DEFINE_string("database", None, "HDF5 database written in collect mode.")
_REGION = flags.DEFINE_string("region", None, "Region (group) to model; may be omitted when the database has one.")
_OUT_DIR = flags.DEFINE_string("out_dir", None, "Directory for search.json and the models.")
_TRIALS = flags.DEFINE_integer("trials", 30, "Number of trials (0: until --timeout).")
_TIMEOUT = flags.DEFINE_float("timeout", 0.0, "Search time limit in seconds (0: none).")
_EPOCHS = flags.DEFINE_integer("epochs", 100, "Maximum epochs per trial.")
_SEED = flags.DEFINE_integer("seed", 0, "Seed of the split, the sampler and the trainings.")
_STALE = flags.DEFINE_integer("stale_trials", 0, "Stop after this many trials without a new Pareto model (0: never).")
_PROGRESS = flags.DEFINE_bool("progress", True, "Show a progress bar over trials.")
flags.mark_flags_as_required(["database", "out_dir"])


def format_table(result: SearchResult, exact_s_per_row: float | None = None) -> str:
    """The Pareto models, one line each."""
    header = f"{'k':>2}  {'file':<12} {'val RMSE':>10} {'val MAPE':>9} {'us/row':>9} {'params':>8}"
    if exact_s_per_row:
        # The exact code's mean seconds per row (timings / rows) over the
        # model's: the speedup the region could see, bridge costs aside.
        header += f" {'vs exact':>8}"
    lines = [header + "  hidden"]
    for k, model in enumerate(result.pareto, start=1):
        r = model.record
        mape = f"{100 * r.val_mape:8.2f}%" if math.isfinite(r.val_mape) else f"{'n/a':>9}"
        line = (
            f"{k:>2}  {r.model_file:<12} {r.val_rmse:>10.4g} {mape} {r.infer_s_per_row * 1e6:>9.3f} {r.param_count:>8}"
        )
        if exact_s_per_row:
            line += f" {exact_s_per_row / r.infer_s_per_row:>7.2f}x"
        line += f"  {list(r.hidden)} {r.activation}"
        lines.append(line)
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    if len(argv) > 1:
        raise app.UsageError(f"unexpected arguments: {' '.join(argv[1:])}")
    region = _REGION.value
    try:
        if region is None:
            regions = list_regions(_DATABASE.value)
            if len(regions) != 1:
                raise ValueError(f"{_DATABASE.value}: pass --region (regions: {', '.join(regions) or 'none'})")
            region = regions[0]
        data = load_region(_DATABASE.value, region)
        config = SearchConfig(
            n_trials=_TRIALS.value or None,
            timeout_s=_TIMEOUT.value or None,
            seed=_SEED.value,
            epochs=_EPOCHS.value,
            stale_trials=_STALE.value or None,
            progress=_PROGRESS.value,
        )
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    logging.info(
        "%s: region %s (%s): %d rows in %d calls, %d -> %d features",
        data.path,
        region,
        data.source,
        data.n_rows,
        data.n_calls,
        data.n_inputs,
        data.n_outputs,
    )
    result = search(data, config, _OUT_DIR.value)
    print(f"{len(result.trials)} trials; Pareto models in {result.out_dir} (model.pt = model.1.pt)")
    print(format_table(result, data.exact_seconds_per_row()))
    return 0


if __name__ == "__main__":
    app.run(main)
