"""`tune`: search a program's knobs for the fastest configurations at each quality.

The exact configuration is evaluated first and is the baseline, then any
seed configurations (e.g. the static frontier, when tuning the dynamic space
that contains it). The engine then proposes points, decoded into configurations; each configuration is
evaluated at most once per study (results are looked up in the database,
including those of earlier, interrupted runs), `parallelism` at a time, each
in its own process and working directory. Failed, crashed and hung
evaluations are recorded as failures and the search goes on.

`tune` keeps the paper's arguments (section 5.2, Appendix D); the rest is a
`TuneOptions` (options.py). What one does with a result, re-measuring the
frontier on held-out data and comparing the static and dynamic spaces, is in
experiments.py.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import inspect
import logging
import math
import numbers
import pathlib
import time
from typing import Callable, Optional, Sequence

from approxmlir.compiler import export_knobs
from approxmlir.compiler.approx_opt import MlirInput
from approxmlir.errors import ApproxError
from approxmlir.tuner import pareto, timing
from approxmlir.tuner.database import Record, ResultsDB
from approxmlir.tuner.engines import make_engine
from approxmlir.tuner.executors import Executor, make_executor
from approxmlir.tuner.options import TuneOptions
from approxmlir.tuner.simplify import simpler_neighbours, simplify_frontier
from approxmlir.tuner.space import Configuration, SearchSpace, config_from_json, config_key

_LOG = logging.getLogger(__name__)

__all__ = ["EvaluateFn", "TuningError", "TuningResult", "simpler_neighbours", "tune"]

EvaluateFn = Callable[..., tuple[float, float]]
# Give up when the engine keeps proposing configurations already evaluated.
_MAX_REPEATS = 500


class TuningError(ApproxError, RuntimeError):
    """Tuning cannot proceed (e.g. the exact configuration itself fails)."""


@dataclasses.dataclass
class TuningResult:
    """What a tuning run found and wrote."""

    baseline: Record
    best: Optional[pareto.Point]
    frontier: list[pareto.Point]
    points: list[pareto.Point]
    evaluations: list[Record]
    accuracy_threshold: float
    mode: str
    paths: dict[str, pathlib.Path]
    summary: str

    @property
    def best_config(self) -> Optional[Configuration]:
        return config_from_json(self.best.config) if self.best else None

    @property
    def best_time_ms(self) -> Optional[float]:
        return self.best.time_ms if self.best else None

    @property
    def best_accuracy(self) -> Optional[float]:
        return self.best.accuracy if self.best else None

    @property
    def failures(self) -> list[Record]:
        return [r for r in self.evaluations if not r.ok]


def _accepts_split(evaluate_fn: EvaluateFn) -> bool:
    try:
        parameters = inspect.signature(evaluate_fn).parameters
    except (TypeError, ValueError):
        return False
    return "split" in parameters or any(p.kind == p.VAR_KEYWORD for p in parameters.values())


class _Progress:
    """A progress bar on stderr: evaluations done, best so far, time left."""

    def __init__(self, enabled: bool, total: int, initial: int, deadline: Optional[float]):
        self._bar = None
        self._deadline = deadline
        if enabled:
            from tqdm import tqdm

            self._bar = tqdm(total=total, initial=initial, desc="tuning", unit="eval", dynamic_ncols=True)

    def update(self, best: Optional[Record]) -> None:
        if self._bar is None:
            return
        postfix = {}
        if best is not None:
            postfix["best"] = f"{best.time_ms:.3g} ms @ {best.accuracy:.3f}"
        if self._deadline is not None:
            postfix["left"] = f"{max(0.0, self._deadline - time.monotonic()):.0f} s"
        self._bar.set_postfix(postfix)
        self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def tune(
    mlir_source: Optional[MlirInput] = None,
    evaluate_fn: Optional[EvaluateFn] = None,
    accuracy_threshold: float = 0.9,
    time_budget: Optional[float] = None,
    result_callback: Optional[Callable[[Record], None]] = None,
    *,
    options: Optional[TuneOptions] = None,
) -> TuningResult:
    """Tunes the knobs of `mlir_source` (MLIR text or path) with `evaluate_fn`.

    `evaluate_fn(config) -> (time_ms, accuracy)` builds and runs the program
    with `config` ({knob id: KnobParams}); when it accepts `split`, it gets
    "tune". The best configuration is the fastest whose accuracy is at least
    `accuracy_threshold`. `result_callback(record)`, if given, sees each
    evaluation's Record as it is stored. Everything else is in `options`
    (`TuneOptions()` when None): the search space (`knobs` instead of
    `mlir_source`, `mode`, `seed_configs`), the engine, the executor, the
    output directory and the frontier simplification.

    Stops after `options.max_evaluations` evaluations in the study (finished
    ones of earlier runs count), after `time_budget` seconds (counted from the
    end of the exact configuration's evaluation; None for no limit), or when
    the space is exhausted. The seed configurations are evaluated right after
    the exact configuration (within the budget). After the search, up to
    `options.simplify_evaluations` more evaluations (outside the budget) try
    the configurations of the frontier points faster than
    1 + frontier_tolerance with one approximated knob set back to exact
    (`simpler_neighbours`), fastest point first, until no such point has an
    untried neighbour: with a tolerance, an approximation whose speed is
    noise gives way. Then (also outside the budget) the final frontier's
    choices at `options.loss_levels` are re-timed `options.timing_repeats`
    times each, interleaved with the exact configuration and serially
    (`timing.retime_front`): their time and speedup become the medians, with
    a bootstrap interval of the speedup. Writes the results database, the
    Pareto frontier as JSON and CSV, and a PNG plot into `options.output_dir`.
    """
    if options is None:
        options = TuneOptions()
    elif not isinstance(options, TuneOptions):
        raise TypeError(f"tune() takes options=TuneOptions(...), got {type(options).__name__}")
    if not (
        isinstance(accuracy_threshold, numbers.Real)
        and not isinstance(accuracy_threshold, bool)
        and math.isfinite(accuracy_threshold)
    ):
        raise ValueError(f"accuracy_threshold must be a finite number, got {accuracy_threshold!r}")
    if time_budget is not None and not (isinstance(time_budget, numbers.Real) and time_budget > 0):
        raise ValueError(f"time_budget must be a positive number of seconds or None (no limit), got {time_budget!r}")
    if result_callback is not None and not callable(result_callback):
        raise TypeError(f"result_callback must be callable or None, got {result_callback!r}")
    o = options
    if evaluate_fn is None:
        raise TypeError("tune() needs an evaluate_fn(config) -> (time_ms, accuracy)")
    if not callable(evaluate_fn):
        raise TypeError(f"evaluate_fn must be callable, got {evaluate_fn!r}")
    knobs = o.knobs
    if knobs is None:
        if mlir_source is None:
            raise TypeError("tune() needs mlir_source or TuneOptions(knobs=...)")
        knobs = export_knobs(mlir_source)
    mode, seed_configs, max_evaluations = o.mode, o.seed_configs, o.max_evaluations
    space = SearchSpace(knobs, mode)
    known = {k.id for k in knobs}
    for seed_config in seed_configs:
        unknown = sorted(set(seed_config) - known)
        if unknown:
            raise ValueError(f"a seed configuration sets knobs the program does not have: {unknown}")
    out = pathlib.Path(o.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    db = ResultsDB(o.database or out / "results.db")
    study_id = db.study(o.study or f"{mode}-{space.fingerprint()}", space.fingerprint())
    done = {r.config_key: r for r in db.records(study_id)}
    resumed = len(done)
    if resumed:
        _LOG.info("resuming study with %d finished evaluations from %s", resumed, db.path)

    own_executor = not isinstance(o.executor, Executor)
    pool = make_executor(o.executor, parallelism=o.parallelism) if own_executor else o.executor
    split_kwargs = {"split": "tune"} if _accepts_split(evaluate_fn) else {}
    start = time.monotonic()
    deadline = None

    def submit(config: Configuration) -> concurrent.futures.Future:
        workdir = out / "evaluations" / f"{len(done) + len(pending):05d}"
        return pool.submit(evaluate_fn, config, workdir=workdir, timeout=o.evaluation_timeout, kwargs=split_kwargs)

    def finish(key: str, config: Configuration, future: concurrent.futures.Future) -> Record:
        record = db.record(study_id, "tune", key, {k: v.to_json() for k, v in config.items()}, future.result())
        done[key] = record
        if result_callback is not None:
            result_callback(record)
        return record

    pending: dict[concurrent.futures.Future, tuple[str, Configuration, list]] = {}

    def evaluate_now(config: Configuration) -> Record:
        """The configuration's record, evaluated (and waited for) unless the study has it."""
        key = config_key(config)
        if key not in done:
            future = submit(config)
            pending[future] = (key, config, [])
            concurrent.futures.wait([future])
            del pending[future]
            finish(key, config, future)
        return done[key]

    engine_impl = None
    bar = None
    retimed: Optional[list[pareto.Point]] = None
    try:
        baseline = evaluate_now(space.exact())
        if not baseline.ok:
            raise TuningError(f"the exact configuration failed ({baseline.status}): {baseline.error}")
        # The budget is for the search: the exact configuration costs the same in every run.
        deadline = time.monotonic() + time_budget if time_budget else None
        for seed_config in seed_configs:
            if len(done) >= max_evaluations:
                break
            if deadline is not None and time.monotonic() >= deadline:
                _LOG.warning("the time budget ran out before every seed configuration was evaluated")
                break
            evaluate_now(seed_config)

        engine_impl = make_engine(o.engine, space, accuracy_threshold, out / "engine", o.seed, o.technique)
        bar = _Progress(o.progress, max_evaluations, min(len(done), max_evaluations), deadline)
        waiting: dict[str, list] = {}  # config key -> engine tokens waiting for its result
        repeats = 0
        exhausted = False

        def best_so_far() -> Optional[Record]:
            admissible = [r for r in done.values() if r.ok and r.accuracy >= accuracy_threshold]
            return min(admissible, key=lambda r: r.time_ms, default=None)

        def report(token, record: Record) -> None:
            engine_impl.report(token, record.time_ms or 0.0, record.accuracy or 0.0, record.ok)

        while True:
            while (
                not exhausted
                and len(pending) < pool.max_workers
                and len(done) + len(pending) < max_evaluations
                and (deadline is None or time.monotonic() < deadline)
            ):
                proposal = engine_impl.propose()
                if proposal is None:
                    exhausted = True
                    break
                token, values = proposal
                config = space.decode(values)
                key = config_key(config)
                if key in done:
                    report(token, done[key])
                    repeats += 1
                    exhausted = repeats > _MAX_REPEATS
                    continue
                if key in waiting:
                    waiting[key].append(token)
                    continue
                repeats = 0
                waiting[key] = [token]
                pending[submit(config)] = (key, config, waiting[key])
            if not pending:
                break
            remaining = None if deadline is None else max(0.1, deadline - time.monotonic())
            finished, _ = concurrent.futures.wait(
                list(pending), timeout=remaining, return_when=concurrent.futures.FIRST_COMPLETED
            )
            for future in finished:
                key, config, tokens = pending.pop(future)
                record = finish(key, config, future)
                waiting.pop(key, None)
                for token in tokens:
                    report(token, record)
                bar.update(best_so_far())
        if o.simplify_evaluations > 0:
            simplify_frontier(done, baseline, evaluate_now, o.frontier_tolerance, o.simplify_evaluations)
        if o.timing_repeats > 1:
            bar.close()  # the timing rounds have their own bar
            records = [r for r in done.values() if r.ok]
            front = _front(records, baseline, o.frontier_tolerance)
            retimed = timing.retime_front(
                front,
                baseline.config,
                evaluate_fn,
                executor=pool,
                repeats=o.timing_repeats,
                levels=o.loss_levels,
                workdir=out / "timing",
                timeout=o.evaluation_timeout,
                kwargs=split_kwargs,
                progress=o.progress,
            )
    finally:
        if bar is not None:
            bar.close()
        if engine_impl is not None:
            engine_impl.close()
        if own_executor:
            pool.shutdown()

    records = list(db.records(study_id))
    db.close()
    result = _summarize(
        records,
        baseline,
        accuracy_threshold,
        mode,
        out,
        o.loss_levels,
        {"database": pathlib.Path(db.path)},
        o.frontier_tolerance,
        retimed,
    )
    _LOG.info(
        "tuning finished in %.1f s (%d evaluations, %d resumed)\n%s",
        time.monotonic() - start,
        len(records),
        resumed,
        result.summary,
    )
    return result


def _front(records: Sequence[Record], baseline: Record, frontier_tolerance: float) -> list[pareto.Point]:
    """The frontier of `records`, with loss intervals where they have per-input scores."""
    all_points = pareto.points(records, baseline.time_ms, baseline.accuracy)
    return pareto.with_loss_intervals(pareto.frontier(all_points, frontier_tolerance), records, baseline.scores)


def _summarize(
    records: list[Record],
    baseline: Record,
    accuracy_threshold: float,
    mode: str,
    out: pathlib.Path,
    loss_levels: Sequence[float],
    paths: dict[str, pathlib.Path],
    frontier_tolerance: float = 0.0,
    retimed: Optional[list[pareto.Point]] = None,
) -> TuningResult:
    """The result; `retimed` (the frontier with its re-timed points) replaces the frontier of `records`."""
    all_points = pareto.points(records, baseline.time_ms, baseline.accuracy)
    front = retimed if retimed is not None else _front(records, baseline, frontier_tolerance)
    admissible = [p for p in all_points if p.accuracy >= accuracy_threshold]
    best = min(admissible, key=lambda p: p.time_ms, default=None)
    if best is not None:  # re-timed, when it is on the frontier
        best = next((p for p in front if p.config == best.config), best)
    timed = [p for p in front if p.times_ms]
    paths = dict(paths)
    paths["frontier_json"] = pareto.write_json(front, out / f"frontier_{mode}.json")
    paths["frontier_csv"] = pareto.write_csv(front, out / f"frontier_{mode}.csv")
    paths["plot"] = pareto.plot(
        {mode: (all_points, front)},
        baseline.time_ms,
        out / f"frontier_{mode}.png",
        title=f"QoS loss versus time ({mode} search space)",
    )
    failures = [r for r in records if not r.ok]
    lines = [
        f"evaluations: {len(records)} ({len(failures)} failed: " + ", ".join(sorted({r.status for r in failures})) + ")"
        if failures
        else f"evaluations: {len(records)}",
        f"exact baseline: {baseline.time_ms:.4g} ms, accuracy {baseline.accuracy:.4f}",
        (
            f"best at accuracy >= {accuracy_threshold}: {best.time_ms:.4g} ms, accuracy {best.accuracy:.4f}, "
            f"speedup {best.speedup:.2f}x"
            if best
            else f"no configuration reaches accuracy {accuracy_threshold}"
        ),
        f"Pareto frontier: {len(front)} points"
        + (f", {len(timed)} re-timed {timed[0].timing_repeats} times (medians, 95 % intervals)" if timed else ""),
        pareto.speedup_table({mode: front}, loss_levels),
    ]
    return TuningResult(baseline, best, front, all_points, records, accuracy_threshold, mode, paths, "\n".join(lines))
