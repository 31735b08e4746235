"""Tests of repeated timing: interleaved rounds, speedup intervals, the guard, dynamic versus static."""

import csv
import dataclasses
import json
import random

import numpy as np
import pytest

from approxmlir.compiler import KnobSpace
from approxmlir.qos import Interval
from approxmlir.tuner import TuneOptions, compare_search_spaces, pareto, reevaluate, timing, tune
from approxmlir.tuner.comparison import NO_DIFFERENCE, compare_choices, comparison_table, heldout_report
from approxmlir.tuner.executors import LocalProcessExecutor
from approxmlir.tuner.pareto import Point, speedup_at

KNOBS = [
    KnobSpace("a", "f", "x.mlir:1:1", ("loop_perforate",), (0, 1, 2, 3)),
    KnobSpace("b", "f", "x.mlir:2:1", ("func_substitute",), (0, 1, 2, 3)),
]


def config(a, b=0):
    return {
        "a": {"transform": "loop_perforate", "decisions": [a], "thresholds": []},
        "b": {"transform": "func_substitute", "decisions": [b], "thresholds": []},
    }


def level(config):
    return sum(max(p.decisions) for p in config.values())


def test_rounds_are_interleaved_rotated_and_serial(tmp_path):
    log = tmp_path / "calls.jsonl"  # evaluations run in their own processes

    def evaluate(config, split="tune"):
        import time

        start = time.time()
        time.sleep(0.05)
        with open(log, "a") as handle:
            handle.write(json.dumps([config["a"].decisions[0], start, time.time(), split]) + "\n")
        return 100.0 / (1 + level(config)), 1.0

    with LocalProcessExecutor(4) as executor:  # four workers, yet one evaluation at a time
        run = timing.time_interleaved(
            evaluate,
            config(0),
            [config(1), config(2), config(3)],
            executor=executor,
            repeats=4,
            workdir=tmp_path / "work",
            kwargs={"split": "eval"},
        )
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    order = [c[0] for c in calls]
    # Round r runs everything once, rotated by r: no configuration is always first or last.
    assert order == [0, 1, 2, 3, 1, 2, 3, 0, 2, 3, 0, 1, 3, 0, 1, 2]
    assert timing.round_order(4, 5) == [1, 2, 3, 0]
    assert all(later[1] >= earlier[2] for earlier, later in zip(calls, calls[1:])), "evaluations overlapped"
    assert {c[3] for c in calls} == {"eval"}
    assert run.baseline.times_ms == (100.0,) * 4 and run.repeats == 4
    assert [t.median_ms for t in run.candidates] == [50.0, 100.0 / 3, 25.0]
    point = run.point(run.candidates[0])
    assert point.speedup == 2.0 and point.times_ms == (50.0,) * 4 and point.baseline_times_ms == (100.0,) * 4
    assert (point.speedup_interval.low, point.speedup_interval.high, point.speedup_interval.n) == (2.0, 2.0, 4)
    assert point.timing_run == run.run_id and point.timing_repeats == 4


def test_a_single_parallel_round_overlaps(tmp_path):
    log = tmp_path / "calls.jsonl"

    def evaluate(config):
        import time

        start = time.time()
        time.sleep(0.3)
        with open(log, "a") as handle:
            handle.write(json.dumps([start, time.time()]) + "\n")
        return 10.0, 1.0

    with LocalProcessExecutor(3) as executor:
        run = timing.time_interleaved(
            evaluate, config(0), [config(1), config(2)], executor=executor, repeats=1, workdir=tmp_path, parallel=True
        )
    calls = sorted(json.loads(line) for line in log.read_text().splitlines())
    assert len(calls) == 3 and calls[-1][0] < calls[0][1], "the round's evaluations did not run at once"
    assert run.point(run.candidates[0]).speedup_interval is None  # one round: no interval


def test_a_failing_candidate_is_dropped_and_a_failing_baseline_is_an_error(tmp_path):
    def evaluate(config):
        if config["a"].decisions[0] == 2:
            raise RuntimeError("broken variant")
        if config["a"].decisions[0] == 3:
            raise SystemExit(3)
        return 10.0 / (1 + level(config)), 1.0

    with LocalProcessExecutor(1) as executor:
        run = timing.time_interleaved(
            evaluate, config(0), [config(1), config(2)], executor=executor, repeats=2, workdir=tmp_path / "w"
        )
        assert run.candidates[1] is None and run.candidates[0].times_ms == (5.0, 5.0)
        with pytest.raises(timing.TimingError, match="exact configuration failed"):
            timing.time_interleaved(evaluate, config(3), [config(1)], executor=executor, repeats=2, workdir=tmp_path)
        with pytest.raises(ValueError, match="repeats"):
            timing.time_interleaved(evaluate, config(0), [], executor=executor, repeats=0, workdir=tmp_path)


def point(speedup, loss, interval=None, loss_high=None, **fields):
    base = 100.0
    return Point(
        {"k": {"transform": "func_substitute", "decisions": [round(speedup * 100)], "thresholds": []}},
        base / speedup,
        1.0 - loss,
        loss,
        speedup,
        None if loss_high is None else Interval(loss, 0.0, loss_high, 40),
        None if interval is None else Interval(speedup, *interval, 5),
        **fields,
    )


def test_the_guard_needs_the_speedup_lower_bound_above_one_and_picks_by_it():
    fast_but_noisy = point(3.0, 0.01, (0.9, 4.0), loss_high=0.02)
    steady = point(2.0, 0.01, (1.8, 2.2), loss_high=0.02)
    wide = point(2.5, 0.01, (1.5, 3.5), loss_high=0.02)
    risky = point(2.6, 0.04, (2.5, 2.7), loss_high=0.08)  # its loss interval reaches past 5 %
    front = [fast_but_noisy, risky, wide, steady]
    assert speedup_at(front, 0.05) is fast_but_noisy  # unguarded: the fastest within the loss
    assert speedup_at(front, 0.05, guarded=True) is steady  # the highest lower bound above 1
    assert speedup_at(front, 0.10, guarded=True) is risky
    assert speedup_at([fast_but_noisy], 0.05, guarded=True) is None
    # Without an interval the estimate counts: 1.0 is not faster than exact.
    assert fast_but_noisy.speedup_low == 0.9 and point(1.5, 0.0).speedup_low == 1.5
    assert speedup_at([point(1.0, 0.0), point(1.5, 0.0)], 0.0, guarded=True).speedup == 1.5
    assert speedup_at([point(1.0, 0.0)], 0.0, guarded=True) is None
    assert pareto.describe(steady) == "2.00x [1.80, 2.20], loss 1.0 [0.0, 2.0] %"
    # Of two searches' frontiers, the guarded choice with the higher lower bound; none: exact.
    other = point(2.1, 0.03, (1.9, 2.3), loss_high=0.05)
    assert pareto.deployable([front, [other]], 0.05) is other
    assert pareto.deployable([front, [other]], 0.10) is risky
    assert pareto.deployable([[fast_but_noisy], []], 0.05) is None


def test_csv_and_json_carry_the_timing(tmp_path):
    timed = point(2.0, 0.01, (1.8, 2.2), times_ms=(50.0, 49.0, 52.0), baseline_times_ms=(100.0, 99.0, 101.0))
    plain = point(1.5, 0.0)
    rows = list(csv.DictReader(pareto.write_csv([timed, plain], tmp_path / "f.csv").open()))
    assert list(rows[0])[6:10] == ["speedup", "speedup_low", "speedup_high", "timing_repeats"]
    assert (rows[0]["speedup_low"], rows[0]["speedup_high"], rows[0]["timing_repeats"]) == ("1.8", "2.2", "3")
    assert (rows[1]["speedup_low"], rows[1]["speedup_high"], rows[1]["timing_repeats"]) == ("", "", "1")
    saved = json.loads(pareto.write_json([timed, plain], tmp_path / "f.json").read_text())
    assert saved[0]["times_ms"] == [50.0, 49.0, 52.0] and saved[0]["speedup_interval"]["low"] == 1.8
    assert saved[1]["speedup_interval"] is None and saved[1]["time_ms"] == plain.time_ms  # old keys stay
    png = pareto.plot({"s": ([timed, plain], [timed, plain])}, 100.0, tmp_path / "f.png")
    assert png.read_bytes()[:4] == b"\x89PNG"


def timed(speedup, rounds, noise, rng, run=None, scores=None, baseline_scores=None, loss=0.0):
    base = 100.0 * np.exp(rng.normal(0.0, noise, rounds))
    times = 100.0 / speedup * np.exp(rng.normal(0.0, noise, rounds))
    return Point(
        {"k": {"transform": "func_substitute", "decisions": [round(speedup * 100)], "thresholds": []}, "side": run},
        float(np.median(times)),
        1.0 - loss,
        loss,
        float(np.median(base) / np.median(times)),
        times_ms=tuple(times),
        baseline_times_ms=tuple(base),
        timing_run=run,
        scores=scores,
        baseline_scores=baseline_scores,
    )


def test_compare_choices_verdicts():
    rng = np.random.default_rng(0)
    exact = tuple([1.0] * 60)
    same = tuple([1.0] * 57 + [0.0] * 3)
    static = [timed(2.0, 9, 0.02, rng, "s", same, exact, loss=0.05)]
    # A clear win in time, the same answers: dynamic ahead.
    clear = compare_choices(static, [timed(3.0, 9, 0.02, rng, "d", same, exact, loss=0.05)], [0.06])
    unguarded = clear[0]
    assert unguarded.verdict == "dynamic ahead" and not unguarded.guarded
    assert unguarded.speedup_interval.low > 0.5 and unguarded.speedup_difference == pytest.approx(1.0, abs=0.1)
    assert (unguarded.loss_interval.low, unguarded.loss_interval.high) == (0.0, 0.0)
    # Overlapping timings, answers that differ on a few inputs each way: no call.
    rng_overlap = np.random.default_rng(1)
    overlap = compare_choices(
        [timed(2.0, 7, 0.1, rng_overlap, "s", same, exact, loss=0.05)],
        [timed(2.05, 7, 0.1, rng_overlap, "d", tuple([0.0] * 3 + [1.0] * 57), exact, loss=0.05)],
        [0.06],
    )[0]
    assert overlap.speedup_interval.low < 0 < overlap.speedup_interval.high
    assert overlap.loss_interval.low < 0 < overlap.loss_interval.high and overlap.verdict == NO_DIFFERENCE
    # As fast, but losing 10 more questions of 60: static ahead.
    worse = tuple([1.0] * 47 + [0.0] * 13)
    lossy = compare_choices(static, [timed(2.0, 9, 0.02, rng, "d", worse, exact, loss=13 / 60)], [0.3])[0]
    assert lossy.loss_difference == pytest.approx(10 / 60) and lossy.loss_interval.low > 0
    assert lossy.verdict == "static ahead"
    # Faster and less accurate, both beyond the intervals: a trade-off.
    trade = compare_choices(static, [timed(3.0, 9, 0.02, rng, "d", worse, exact, loss=13 / 60)], [0.3])[0]
    assert trade.verdict.startswith("trade-off: dynamic faster")
    # One configuration chosen by both: whatever the timings say, it is that.
    twin = dataclasses.replace(static[0], timing_run="d", times_ms=tuple(t / 2 for t in static[0].times_ms))
    assert compare_choices(static, [twin], [0.06])[0].verdict == "same configuration"
    # Without repeated timings or scores there is no interval and no call.
    bare = compare_choices([point(2.0, 0.0)], [point(3.0, 0.0)], [0.0])[0]
    assert bare.speedup_interval is None and bare.verdict == NO_DIFFERENCE and bare.speedup_difference == 1.0
    # A side without a choice (the guard keeps nothing): said so.
    assert compare_choices([point(1.0, 0.0)], [point(3.0, 0.0)], [0.0])[1].verdict == "only dynamic chooses"
    table = comparison_table(clear + [lossy]).splitlines()
    assert "dynamic ahead" in table[2] and "+1.0" in table[2] and "static ahead" in table[-1]


def test_compare_choices_pairs_rounds_of_one_run():
    # Both candidates timed in the same rounds share the baseline's times: its noise moves both speedups
    # alike, and resampling the rounds jointly cancels it; separate runs are resampled independently.
    rng = np.random.default_rng(4)
    base = tuple(100.0 * np.exp(rng.normal(0.0, 0.2, 8)))

    def run_point(speedup, run):
        times = tuple(100.0 / speedup * np.exp(rng.normal(0.0, 0.005, 8)))
        return Point(
            {"s": speedup},
            float(np.median(times)),
            1.0,
            0.0,
            float(np.median(base) / np.median(times)),
            times_ms=times,
            baseline_times_ms=base,
            timing_run=run,
        )

    static, dynamic = run_point(2.0, "one"), run_point(2.2, "one")
    paired = compare_choices([static], [dynamic], [0.0])[0]
    separate = compare_choices([static], [dataclasses.replace(dynamic, timing_run="two")], [0.0])[0]
    assert paired.speedup_interval.low > 0 and paired.verdict == "dynamic ahead"
    width = separate.speedup_interval.high - separate.speedup_interval.low
    assert width > 3 * (paired.speedup_interval.high - paired.speedup_interval.low)
    assert separate.speedup_difference == paired.speedup_difference


def test_points_to_retime_bounded_for_a_large_frontier():
    front = [point(1.0 + 0.5 * i, 0.01 * i, loss_high=0.01 * i + 0.03) for i in range(12)]
    assert timing.points_to_retime(front[:8], [0.05]) == front[:8]
    chosen = timing.points_to_retime(front, [0.05, 0.10])
    # Per level: the unguarded choice and the two fastest points whose loss bound is within it.
    assert [p.speedup for p in chosen] == [1.5, 2.0, 3.5, 4.0, 4.5, 6.0]


def noisy(config, split="tune"):
    """Per-question scores; times with a few percent of noise per call."""
    n = level(config)
    scores = [0.0 if i < 2 * n else 1.0 for i in range(40)]
    return 100.0 / (1 + n) * random.uniform(0.97, 1.03), sum(scores) / 40, scores


def test_tune_retimes_the_frontier_and_the_report_compares_the_spaces(tmp_path, caplog):
    options = TuneOptions(
        knobs=KNOBS, mode="static", engine="random", output_dir=tmp_path, progress=False, max_evaluations=10, seed=3
    )
    with caplog.at_level("INFO", logger="approxmlir.tuner.timing"):
        result = tune(None, noisy, 0.0, options=options)
    assert any("re-timing" in r.getMessage() for r in caplog.records)
    assert 1 <= len(result.frontier) <= 8
    for p in result.frontier:  # all re-timed: medians of 3 interleaved rounds, with an interval
        assert len(p.times_ms) == len(p.baseline_times_ms) == 3 and p.time_ms == float(np.median(p.times_ms))
        assert p.speedup_interval.low <= p.speedup <= p.speedup_interval.high and p.speedup_interval.n == 3
    rows = list(csv.DictReader(result.paths["frontier_csv"].open()))
    assert {r["timing_repeats"] for r in rows} == {"3"} and all(r["speedup_low"] for r in rows)
    assert "re-timed 3 times" in result.summary
    single = tune(None, noisy, 0.0, options=dataclasses.replace(options, timing_repeats=1))
    assert all(p.times_ms is None and p.speedup_interval is None for p in single.frontier)
    # The benchmark drivers' report: both spaces, held out, re-timed, compared.
    results = compare_search_spaces(None, noisy, 0.0, options=dataclasses.replace(options, output_dir=tmp_path / "cmp"))
    heldout = {
        mode: reevaluate(r, noisy, "eval", loss_levels=(0.03, 0.06, 0.09), guarded=True) for mode, r in results.items()
    }
    assert all(len(p.times_ms) == 3 and p.speedup_interval is not None for ps in heldout.values() for p in ps)
    report = heldout_report(results, heldout, (0.01, 0.03, 0.06, 0.09), comparison_levels=(0.03, 0.06, 0.09))
    assert "speedup at QoS loss, tuning split" in report and "static: the tuning split's choice" in report
    assert "dynamic versus static" in report
    comparison = report.split("dynamic versus static")[1].splitlines()
    assert len(comparison) == 1 + 2 + 6  # the title's rest, header and rule, 3 levels x (unguarded, guarded)
    assert any(v in report for v in ("dynamic ahead", "static ahead", NO_DIFFERENCE, "same configuration"))


def test_plot_takes_an_estimate_at_the_end_of_its_interval(tmp_path):
    # Three rounds often put the median ratio at an end of the bootstrap
    # interval; rounding must not make matplotlib see a negative error bar
    # (here time - time * speedup / high is -1e-13).
    time_ms, speedup = 957.5451186456246, 1.1084734595574655
    assert time_ms - time_ms * speedup / speedup < 0
    interval = Interval(speedup, speedup * 0.8, speedup, 3)
    point = Point({}, time_ms, 0.95, 0.05, speedup, Interval(0.05, 0.0, 0.05, 4), speedup_interval=interval)
    path = pareto.plot({"static": ([point], [point])}, time_ms * speedup, tmp_path / "plot.png", title="t")
    assert path.exists() and path.stat().st_size > 0


def test_retiming_repeats_until_the_choices_are_retimed(tmp_path):
    # Single timings flattered A and B; re-timed, C becomes the fastest point
    # within 5 % and must be re-timed as well before it is reported.
    real = {500: 2.0, 450: 2.1, 400: 3.5, 300: 3.0}  # decision (100 x single-timing speedup) -> real speedup
    front = [point(5.0, 0.04), point(4.5, 0.03), point(4.0, 0.02), point(3.0, 0.01)]
    front += [point(6.0 + k / 2, 0.06 + k / 100) for k in range(6)]  # > 8 points: not all re-timed

    def evaluate(config):
        decision = config["k"].decisions[0]
        return 100.0 / real.get(decision, 1.0 if decision == 0 else decision / 100), 1.0

    baseline = {"k": {"transform": "func_substitute", "decisions": [0], "thresholds": []}}
    with LocalProcessExecutor(1) as executor:
        retimed = timing.retime_front(
            front, baseline, evaluate, executor=executor, repeats=3, levels=(0.05,), workdir=tmp_path
        )
    pick = speedup_at(retimed, 0.05)
    assert pick.config == front[2].config and pick.speedup == pytest.approx(3.5)
    assert pick.speedup_interval is not None
    assert {round(p.speedup, 2) for p in retimed if p.speedup_interval is not None} >= {2.0, 2.1, 3.5}


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
