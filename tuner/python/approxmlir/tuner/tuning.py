"""`tune`: search a program's knobs for the fastest configurations at each quality.

The exact configuration is evaluated first and is the baseline, then any
seed configurations (e.g. the static frontier, when tuning the dynamic space
that contains it). The engine then proposes points, decoded into configurations; each configuration is
evaluated at most once per study (results are looked up in the database,
including those of earlier, interrupted runs), `parallelism` at a time, each
in its own process and working directory. Failed, crashed and hung
evaluations are recorded as failures and the search goes on.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import inspect
import logging
import os
import pathlib
import time
from typing import Callable, Mapping, Optional, Sequence, Union

from approxmlir.compiler import KnobParams, KnobSpace, export_knobs
from approxmlir.compiler.approx_opt import MlirInput
from approxmlir.tuner import pareto
from approxmlir.tuner.database import Record, ResultsDB
from approxmlir.tuner.engines import make_engine
from approxmlir.tuner.executors import Executor, make_executor
from approxmlir.tuner.space import DYNAMIC, Configuration, SearchSpace, config_from_json, config_key

_LOG = logging.getLogger(__name__)

EvaluateFn = Callable[..., tuple[float, float]]
DEFAULT_LOSS_LEVELS = (0.01, 0.03, 0.05, 0.10)
# Give up when the engine keeps proposing configurations already evaluated.
_MAX_REPEATS = 500


class TuningError(RuntimeError):
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
    knobs: Optional[Sequence[KnobSpace]] = None,
    output_dir: Union[str, os.PathLike] = "approxmlir-tuning",
    database: Optional[Union[str, os.PathLike]] = None,
    study: Optional[str] = None,
    mode: str = DYNAMIC,
    engine: str = "opentuner",
    technique: Optional[str] = None,
    seed: int = 0,
    max_evaluations: int = 100,
    parallelism: int = 1,
    executor: Union[str, Executor] = "local",
    evaluation_timeout: Optional[float] = None,
    loss_levels: Sequence[float] = DEFAULT_LOSS_LEVELS,
    progress: bool = True,
    seed_configs: Sequence[Configuration] = (),
    frontier_tolerance: float = 0.0,
    simplify_evaluations: int = 0,
) -> TuningResult:
    """Tunes the knobs of `mlir_source` (MLIR text or path) with `evaluate_fn`.

    `evaluate_fn(config) -> (time_ms, accuracy)` builds and runs the program
    with `config` ({knob id: KnobParams}); when it accepts `split`, it gets
    "tune". The best configuration is the fastest whose accuracy is at least
    `accuracy_threshold`. Stops after `max_evaluations` evaluations in the
    study (finished ones of earlier runs count), after `time_budget` seconds
    (counted from the end of the exact configuration's evaluation),
    or when the space is exhausted. `seed_configs` are evaluated right after
    the exact configuration (within the budget), so that the frontier holds
    them or what beats them. `frontier_tolerance` is pareto.frontier's
    time_tolerance. After the search, up to `simplify_evaluations` more
    evaluations (outside the budget) try the configurations of the frontier
    points faster than 1 + frontier_tolerance with one approximated knob set
    back to exact (`simpler_neighbours`), fastest point first, until no such
    point has an untried neighbour: with a tolerance, an approximation whose
    speed is noise gives way. Writes the results database, the Pareto frontier as JSON
    and CSV, and a PNG plot into `output_dir`.
    """
    if evaluate_fn is None:
        raise TypeError("tune() needs an evaluate_fn(config) -> (time_ms, accuracy)")
    if knobs is None:
        if mlir_source is None:
            raise TypeError("tune() needs mlir_source or knobs")
        knobs = export_knobs(mlir_source)
    space = SearchSpace(knobs, mode)
    known = {k.id for k in knobs}
    for seed_config in seed_configs:
        unknown = sorted(set(seed_config) - known)
        if unknown:
            raise ValueError(f"a seed configuration sets knobs the program does not have: {unknown}")
    out = pathlib.Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    db = ResultsDB(database or out / "results.db")
    study_id = db.study(study or f"{mode}-{space.fingerprint()}", space.fingerprint())
    done = {r.config_key: r for r in db.records(study_id)}
    resumed = len(done)
    if resumed:
        _LOG.info("resuming study with %d finished evaluations from %s", resumed, db.path)

    own_executor = not isinstance(executor, Executor)
    pool = make_executor(executor, parallelism=parallelism) if own_executor else executor
    split_kwargs = {"split": "tune"} if _accepts_split(evaluate_fn) else {}
    start = time.monotonic()
    deadline = None

    def submit(config: Configuration) -> concurrent.futures.Future:
        workdir = out / "evaluations" / f"{len(done) + len(pending):05d}"
        return pool.submit(evaluate_fn, config, workdir=workdir, timeout=evaluation_timeout, kwargs=split_kwargs)

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

        engine_impl = make_engine(engine, space, accuracy_threshold, out / "engine", seed, technique)
        bar = _Progress(progress, max_evaluations, min(len(done), max_evaluations), deadline)
        waiting: dict[str, list] = {}  # config key -> engine tokens waiting for its result
        repeats = 0
        exhausted = False

        def best_so_far() -> Optional[Record]:
            admissible = [r for r in done.values() if r.ok and r.accuracy >= accuracy_threshold]
            return min(admissible, key=lambda r: r.time_ms, default=None)

        def report(token, record: Record) -> None:
            engine_impl.report(token, record.time_ms or 0.0, record.accuracy or 0.0, record.ok)

        while True:
            while (not exhausted and len(pending) < pool.max_workers
                   and len(done) + len(pending) < max_evaluations
                   and (deadline is None or time.monotonic() < deadline)):
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
                list(pending), timeout=remaining, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in finished:
                key, config, tokens = pending.pop(future)
                record = finish(key, config, future)
                waiting.pop(key, None)
                for token in tokens:
                    report(token, record)
                bar.update(best_so_far())
        if simplify_evaluations > 0:
            _simplify_frontier(done, baseline, evaluate_now, frontier_tolerance, simplify_evaluations)
    finally:
        if bar is not None:
            bar.close()
        if engine_impl is not None:
            engine_impl.close()
        if own_executor:
            pool.shutdown()

    records = list(db.records(study_id))
    db.close()
    result = _summarize(records, baseline, accuracy_threshold, mode, out, loss_levels,
                        {"database": pathlib.Path(db.path)}, frontier_tolerance)
    _LOG.info("tuning finished in %.1f s (%d evaluations, %d resumed)\n%s",
              time.monotonic() - start, len(records), resumed, result.summary)
    return result


def simpler_neighbours(config: Configuration) -> dict[str, Configuration]:
    """For each of `config`'s approximated knobs, the configuration that sets it back to exact."""
    return {knob: {**config, knob: KnobParams(params.transform, (0,))}
            for knob, params in sorted(config.items()) if pareto.approximates(params.decisions)}


def _simplify_frontier(done: dict[str, Record], baseline: Record, evaluate: Callable[[Configuration], Record],
                       time_tolerance: float, max_evaluations: int) -> None:
    """Evaluates untried simpler neighbours of the frontier's points, fastest point first."""
    spent = 0
    while spent < max_evaluations:
        records = [r for r in done.values() if r.ok and r.time_ms]
        front = pareto.frontier(pareto.points(records, baseline.time_ms, baseline.accuracy), time_tolerance)
        # Where every configuration seen with a knob exact (besides the exact
        # one) runs within the tolerance of the exact time, that knob sets the
        # cost (e.g. the exact LLM): its neighbours cannot keep their points' pace.
        fastest_with_exact = {
            knob: min((r.time_ms for r in records
                       if r.config_key != baseline.config_key
                       and not pareto.approximates(r.config.get(knob, {}).get("decisions", ()))),
                      default=0.0)
            for knob in baseline.config}
        untried = [neighbour for point in front if point.speedup > 1 + time_tolerance
                   for knob, neighbour in simpler_neighbours(config_from_json(point.config)).items()
                   if knob in fastest_with_exact and config_key(neighbour) not in done
                   and fastest_with_exact[knob] * (1 + time_tolerance) < baseline.time_ms]
        if not untried:
            break
        record = evaluate(untried[0])
        spent += 1
        _LOG.info("simplifying the frontier (%d/%d): %s ms, accuracy %s for %s", spent, max_evaluations,
                  f"{record.time_ms:.4g}" if record.ok else record.status,
                  f"{record.accuracy:.4f}" if record.ok else "-", record.config_key)
    _LOG.info("frontier simplification: %d evaluations", spent)


def _summarize(records: list[Record], baseline: Record, accuracy_threshold: float, mode: str,
               out: pathlib.Path, loss_levels: Sequence[float],
               paths: dict[str, pathlib.Path], frontier_tolerance: float = 0.0) -> TuningResult:
    all_points = pareto.points(records, baseline.time_ms, baseline.accuracy)
    front = pareto.frontier(all_points, frontier_tolerance)
    admissible = [p for p in all_points if p.accuracy >= accuracy_threshold]
    best = min(admissible, key=lambda p: p.time_ms, default=None)
    paths = dict(paths)
    paths["frontier_json"] = pareto.write_json(front, out / f"frontier_{mode}.json")
    paths["frontier_csv"] = pareto.write_csv(front, out / f"frontier_{mode}.csv")
    paths["plot"] = pareto.plot({mode: (all_points, front)}, baseline.time_ms, out / f"frontier_{mode}.png",
                                title=f"QoS loss versus time ({mode} search space)")
    failures = [r for r in records if not r.ok]
    lines = [
        f"evaluations: {len(records)} ({len(failures)} failed: "
        + ", ".join(sorted({r.status for r in failures})) + ")" if failures else f"evaluations: {len(records)}",
        f"exact baseline: {baseline.time_ms:.4g} ms, accuracy {baseline.accuracy:.4f}",
        (f"best at accuracy >= {accuracy_threshold}: {best.time_ms:.4g} ms, accuracy {best.accuracy:.4f}, "
         f"speedup {best.speedup:.2f}x" if best else f"no configuration reaches accuracy {accuracy_threshold}"),
        f"Pareto frontier: {len(front)} points",
        pareto.speedup_table({mode: front}, loss_levels),
    ]
    return TuningResult(baseline, best, front, all_points, records, accuracy_threshold, mode, paths,
                        "\n".join(lines))


def reevaluate(
    result: TuningResult,
    evaluate_fn: EvaluateFn,
    split: str = "eval",
    *,
    parallelism: int = 1,
    executor: Union[str, Executor] = "local",
    evaluation_timeout: Optional[float] = None,
    output_dir: Optional[Union[str, os.PathLike]] = None,
    min_speedup: float = 0.0,
    loss_levels: Optional[Sequence[float]] = None,
) -> list[pareto.Point]:
    """Runs the exact baseline and the frontier's configurations again with
    `evaluate_fn(config, split=split)` (e.g. the held-out evaluation set) and
    returns the frontier points measured there, relative to the exact run on
    that split.

    Points below `min_speedup` on the tuning split (e.g. a point slightly more
    accurate than exact and no faster) are not measured again: where a
    held-out evaluation is expensive, they cannot pay for it. With
    `loss_levels`, only the points the tuning split selects at those QoS
    losses (the fastest within each) are: the configurations one would
    deploy, chosen without looking at the held-out data.
    """
    out = pathlib.Path(output_dir or result.paths["frontier_json"].parent) / f"reevaluate_{split}"
    picks = None if loss_levels is None else [pareto.speedup_at(result.frontier, level) for level in loss_levels]
    frontier = [p for p in result.frontier
                if p.speedup >= min_speedup and (picks is None or any(p is pick for pick in picks))]
    if len(frontier) < len(result.frontier):
        _LOG.info("re-measuring %d of %d frontier points on split %r (at least %.2fx on the tuning split%s)",
                  len(frontier), len(result.frontier), split, min_speedup,
                  "" if picks is None else f", selected at QoS loss {', '.join(map(str, loss_levels))}")
    configs = [result.baseline.config] + [p.config for p in frontier]
    own_executor = not isinstance(executor, Executor)
    pool = make_executor(executor, parallelism=parallelism) if own_executor else executor
    try:
        futures = [
            pool.submit(evaluate_fn, config_from_json(c), workdir=out / f"{i:04d}", timeout=evaluation_timeout,
                        kwargs={"split": split})
            for i, c in enumerate(configs)
        ]
        outcomes = [f.result() for f in futures]
    finally:
        if own_executor:
            pool.shutdown()
    base = outcomes[0]
    if base.status != "ok":
        raise TuningError(f"the exact configuration failed on split {split!r}: {base.error}")
    _LOG.info("exact configuration on split %r: %.4g ms, accuracy %.4f", split, base.time_ms, base.accuracy)
    measured = []
    for config, outcome in zip(configs[1:], outcomes[1:]):
        if outcome.status == "ok" and outcome.time_ms:
            measured.append(pareto.Point(config, outcome.time_ms, outcome.accuracy,
                                         base.accuracy - outcome.accuracy, base.time_ms / outcome.time_ms))
    return measured


def compare_search_spaces(
    mlir_source: MlirInput,
    evaluate_fn: EvaluateFn,
    accuracy_threshold: float = 0.9,
    output_dir: Union[str, os.PathLike] = "approxmlir-tuning",
    **options,
) -> dict[str, TuningResult]:
    """Tunes the static-only and the dynamic (decision tree) search spaces and
    plots both frontiers on one figure (`compare_static_dynamic.png`).

    The dynamic space contains the static one (a knob may keep one decision),
    so its search starts from the static frontier: its frontier is at or
    above the static one, and its budget goes to the decision trees.
    """
    knobs = export_knobs(mlir_source)
    results = {"static": tune(evaluate_fn=evaluate_fn, knobs=knobs, accuracy_threshold=accuracy_threshold,
                              output_dir=output_dir, mode="static", **options)}
    seeds = [config_from_json(p.config) for p in results["static"].frontier]
    results["dynamic"] = tune(evaluate_fn=evaluate_fn, knobs=knobs, accuracy_threshold=accuracy_threshold,
                              output_dir=output_dir, mode="dynamic", seed_configs=seeds, **options)
    baseline = results["static"].baseline.time_ms
    path = pareto.plot({mode: (r.points, r.frontier) for mode, r in results.items()}, baseline,
                       pathlib.Path(output_dir) / "compare_static_dynamic.png",
                       title="Static versus dynamic approximation")
    for r in results.values():
        r.paths["comparison_plot"] = path
    return results
