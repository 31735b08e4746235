"""Tests of approxmlir.tuner: search, persistence and resume, parallelism, failures, outputs."""

import csv
import dataclasses
import json
import logging
import os
import pathlib
import signal
import subprocess
import sys
import textwrap
import time

import pytest

import approxmlir as ar
from approxmlir.compiler import KnobParams, KnobSpace
from approxmlir.tuner import Driver, SearchSpace, TuneOptions, compare_search_spaces, reevaluate, speedup_table, tune
from approxmlir.tuner.pareto import speedup_at, transfer_table
from approxmlir.tuner.space import decode_thresholds

# Two static knobs (decisions 0..3) and one with a decision tree.
KNOBS = [
    KnobSpace("a", "f", "x.mlir:1:1", ("loop_perforate",), (0, 1, 2, 3)),
    KnobSpace("b", "f", "x.mlir:2:1", ("func_substitute",), (0, 1, 2, 3)),
    KnobSpace("c", "f", "x.mlir:3:1", ("loop_perforate",), (0, 1, 2), "state", 2, (0, 100)),
]


def synthetic(config):
    """time falls and accuracy drops with the total approximation level."""
    level = sum(max(p.decisions) for p in config.values())
    return 100.0 / (1 + level), 1.0 - 0.04 * level


def test_thresholds_decode_strictly_ascending_in_range():
    for units in ([0, 0, 0], [1, 1, 1], [0.5, 0.1, 0.9], [1, 0, 1]):
        thresholds = decode_thresholds(units, 10, 14)
        assert list(thresholds) == sorted(set(thresholds)) and 10 <= thresholds[0] and thresholds[-1] <= 14
    assert decode_thresholds([0, 0, 0], 10, 12) == (10, 11, 12)


def test_thresholds_decode_within_per_threshold_bounds():
    bounds = ((0, 10), (20, 30), (25, 100))
    grid = [0.0, 0.3, 0.5, 0.99, 1.0]
    seen = set()
    for a in grid:
        for b in grid:
            for c in grid:
                thresholds = decode_thresholds([a, b, c], 0, 100, bounds)
                assert list(thresholds) == sorted(set(thresholds))
                assert all(lo <= t <= hi for t, (lo, hi) in zip(thresholds, bounds)), thresholds
                seen.add(thresholds)
    # The bounds' corners are reachable: the search covers each threshold's whole range.
    assert (0, 20, 25) in seen and (10, 30, 100) in seen
    # Tight bounds leave one choice.
    assert decode_thresholds([0.7, 0.2], 0, 100, ((5, 5), (6, 6))) == (5, 6)


def test_dynamic_space_honors_per_threshold_bounds():
    bounded = list(KNOBS[:2]) + [dataclasses.replace(KNOBS[2], threshold_bounds=((0, 10), (20, 100)))]
    space = SearchSpace(bounded, "dynamic")
    for unit in (0.0, 0.4, 1.0):
        values = {p.name: (p.choices[-1] if p.choices else unit) for p in space.parameters()}
        values["c.branch0"] = 0
        thresholds = space.decode(values)["c"].thresholds
        assert 0 <= thresholds[0] <= 10 and 20 <= thresholds[1] <= 100


def test_space_fingerprint_ignores_absent_bounds_but_not_present_ones():
    bounded = list(KNOBS[:2]) + [dataclasses.replace(KNOBS[2], threshold_bounds=((0, 10), (20, 100)))]
    assert SearchSpace(KNOBS, "dynamic").fingerprint() != SearchSpace(bounded, "dynamic").fingerprint()


def test_dynamic_space_decodes_decision_trees():
    space = SearchSpace(KNOBS, "dynamic")
    values = {
        "a.decision": 1,
        "b.decision": 0,
        "c.decision": 0,
        "c.dynamic": True,
        "c.threshold0": 0.5,
        "c.threshold1": 0.5,
        "c.branch0": 0,
        "c.branch1": 1,
        "c.branch2": 2,
    }
    config = space.decode(values)
    assert config["c"] == KnobParams("loop_perforate", (0, 1, 2), (50, 75))
    assert config["a"] == KnobParams("loop_perforate", (1,))
    assert SearchSpace(KNOBS, "static").size() == 4 * 4 * 3
    # A tree whose branches all pick one value is that static configuration (one key, one evaluation).
    same = space.decode(values | {"c.branch0": 2, "c.branch1": 2, "c.branch2": 2})
    assert same["c"] == KnobParams("loop_perforate", (2,))


@pytest.mark.parametrize("engine", ["opentuner", "random"])
def test_finds_the_known_optimum(tmp_path, engine):
    # Accuracy >= 0.9 allows a total level of 2: the optimum is 100 / 3 ms.
    result = tune(
        None,
        synthetic,
        0.9,
        options=TuneOptions(
            knobs=KNOBS, mode="static", engine=engine, output_dir=tmp_path, max_evaluations=48, progress=False, seed=1
        ),
    )
    assert result.baseline.time_ms == 100.0 and result.baseline.accuracy == 1.0
    assert result.best_time_ms == pytest.approx(100.0 / 3)
    assert result.best_accuracy >= 0.9
    assert sum(max(p.decisions) for p in result.best_config.values()) == 2


def test_every_configuration_is_evaluated_once_and_exports_are_consistent(tmp_path):
    log = tmp_path / "evaluated.txt"

    def evaluate(config):
        with open(log, "a") as handle:
            handle.write(json.dumps({k: v.to_json() for k, v in sorted(config.items())}) + "\n")
        return synthetic(config)

    result = tune(
        None,
        evaluate,
        0.8,
        options=TuneOptions(
            knobs=KNOBS,
            mode="dynamic",
            engine="opentuner",
            output_dir=tmp_path / "out",
            max_evaluations=40,
            progress=False,
            timing_repeats=1,  # every call of evaluate is a search evaluation
        ),
    )
    lines = log.read_text().splitlines()
    assert len(lines) == len(set(lines)) == len(result.evaluations) == 40
    # The frontier is non-dominated and the files hold it.
    front = result.frontier
    for p in front:
        assert not any(
            q.time_ms <= p.time_ms
            and q.qos_loss <= p.qos_loss
            and q != p
            and (q.time_ms < p.time_ms or q.qos_loss < p.qos_loss)
            for q in result.points
        )
    assert json.loads(result.paths["frontier_json"].read_text())[0]["time_ms"] == front[0].time_ms
    rows = list(csv.DictReader(result.paths["frontier_csv"].open()))
    assert len(rows) == len(front)
    assert result.paths["plot"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "speedup" in result.summary


def test_failures_are_recorded_and_tuning_goes_on(tmp_path):
    def evaluate(config):
        level = max(config["a"].decisions)
        if level == 1:
            import ctypes

            ctypes.string_at(0)  # segfault
        if level == 2:
            time.sleep(60)  # hang
        if level == 3:
            raise ValueError("bad configuration")
        return synthetic(config)

    knobs = KNOBS[:1]
    start = time.monotonic()
    result = tune(
        evaluate_fn=evaluate,
        options=TuneOptions(
            knobs=knobs,
            mode="static",
            engine="random",
            output_dir=tmp_path,
            max_evaluations=4,
            evaluation_timeout=2,
            progress=False,
        ),
    )
    assert time.monotonic() - start < 30
    statuses = {max(json.loads(json.dumps(r.config))["a"]["decisions"]): r.status for r in result.evaluations}
    assert statuses == {0: "ok", 1: "crash", 2: "timeout", 3: "error"}
    assert "SIGSEGV" in next(r.error for r in result.failures if r.status == "crash")


def test_parallel_evaluations_overlap(tmp_path):
    def slow(config):
        time.sleep(0.5)
        return synthetic(config)

    start = time.monotonic()
    result = tune(
        evaluate_fn=slow,
        options=TuneOptions(
            knobs=KNOBS[:2],
            mode="static",
            engine="random",
            output_dir=tmp_path,
            max_evaluations=9,
            parallelism=4,
            progress=False,
            timing_repeats=1,  # re-timing is serial
        ),
    )
    wall = time.monotonic() - start
    serial = sum(r.finished - r.started for r in result.evaluations)
    assert len(result.evaluations) == 9
    assert serial >= 4.5 and wall < 0.6 * serial, (wall, serial)


RESUMABLE = textwrap.dedent("""
    import json, sys, time
    from approxmlir.compiler import KnobSpace
    from approxmlir.tuner import TuneOptions, tune
    knobs = [KnobSpace("a", "f", "x", ("loop_perforate",), (0, 1, 2, 3)),
             KnobSpace("b", "f", "x", ("loop_perforate",), (0, 1, 2, 3))]
    def evaluate(config):
        time.sleep(0.3)
        with open(sys.argv[2], "a") as log:
            log.write(json.dumps({k: v.to_json() for k, v in sorted(config.items())}) + "\\n")
        level = sum(max(p.decisions) for p in config.values())
        return 100.0 / (1 + level), 1.0 - 0.04 * level
    tune(evaluate_fn=evaluate, options=TuneOptions(knobs=knobs, mode="static", engine="opentuner",
                                                   output_dir=sys.argv[1], max_evaluations=12, progress=False,
                                                   timing_repeats=1))
""")


def test_killed_run_resumes_without_repeating_work(tmp_path):
    out, log = tmp_path / "out", tmp_path / "evaluated.txt"
    command = [sys.executable, "-c", RESUMABLE, str(out), str(log)]
    # The child imports approxmlir from the same package roots as this test.
    roots = os.pathsep.join(str(pathlib.Path(p).parent) for p in ar.__path__)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [roots, os.environ.get("PYTHONPATH")])))
    first = subprocess.Popen(command, start_new_session=True, env=env)
    deadline = time.monotonic() + 60
    while (not log.exists() or len(log.read_text().splitlines()) < 4) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    done_before = len(log.read_text().splitlines())
    assert 4 <= done_before < 12
    subprocess.run(command, check=True, timeout=120, env=env)
    lines = log.read_text().splitlines()
    # No configuration evaluated twice (the killed run's unfinished evaluation
    # may run again: it was never recorded), and the study reached its budget.
    assert len(set(lines)) == 12
    assert len(lines) - len(set(lines)) <= 1


def test_heldout_reevaluation_and_speedup_table(tmp_path):
    def evaluate(config, split="tune"):
        time_ms, accuracy = synthetic(config)
        return time_ms * (5 if split == "eval" else 1), accuracy - (0.01 if split == "eval" else 0)

    result = tune(
        evaluate_fn=evaluate,
        options=TuneOptions(
            knobs=KNOBS[:2], mode="static", engine="random", output_dir=tmp_path, max_evaluations=16, progress=False
        ),
    )
    heldout = reevaluate(result, evaluate, split="eval")
    assert len(heldout) == len(result.frontier)
    assert [p.speedup for p in heldout] == pytest.approx([p.speedup for p in result.frontier])
    table = speedup_table({"tune": result.frontier, "eval": heldout}, [0.05, 0.1])
    assert "5.0%" in table and "tune" in table and "eval" in table
    # Only the points at least this fast on the tuning split are measured again.
    cut = sorted(p.speedup for p in result.frontier)[len(result.frontier) // 2]
    fast = reevaluate(result, evaluate, split="eval", min_speedup=cut)
    assert [p.speedup for p in fast] == pytest.approx([p.speedup for p in result.frontier if p.speedup >= cut])
    assert len(fast) < len(heldout) or len(set(p.speedup for p in result.frontier)) == 1
    # With loss levels, only the tuning split's choice at each level is measured again.
    levels = [0.0, 0.3]
    chosen = {id(speedup_at(result.frontier, level)) for level in levels} - {id(None)}
    picked = reevaluate(result, evaluate, split="eval", loss_levels=levels)
    assert len(chosen) < len(result.frontier)  # the test selects something
    assert sorted(p.speedup for p in picked) == pytest.approx(
        sorted(p.speedup for p in result.frontier if id(p) in chosen)
    )


def scored(config, split="tune"):
    """Per-question scores: each approximation level gets 2 of 40 questions wrong (4 on "eval")."""
    level = sum(max(p.decisions) for p in config.values())
    wrong = level * (4 if split == "eval" else 2)
    scores = [0.0 if i < wrong else 1.0 for i in range(40)]
    return 100.0 / (1 + level), sum(scores) / 40, scores


def test_per_input_scores_give_loss_intervals_and_a_guarded_choice(tmp_path):
    options = TuneOptions(knobs=KNOBS[:2], mode="static", engine="random", output_dir=tmp_path, progress=False)
    result = tune(None, scored, 0.0, options=options)
    assert result.baseline.scores == tuple([1.0] * 40)
    point = speedup_at(result.frontier, 0.05)
    assert point.qos_loss == pytest.approx(0.05)  # level 1: 2 of 40 questions
    low, high = point.loss_interval.low, point.loss_interval.high
    assert point.loss_interval.n == 40 and 0.0 <= low <= 0.05 < high
    # The guard wants the loss interval's upper bound within the level and the speedup's lower bound above 1:
    # at 5 % only the exact point's loss qualifies, and it is no faster than exact.
    assert speedup_at(result.frontier, 0.05, guarded=True) is None
    assert speedup_at(result.frontier, 0.15, guarded=True).speedup == pytest.approx(2.0)
    # The frontier (7 points) was re-timed 3 times: constant times, zero-width speedup intervals.
    assert point.times_ms == (50.0,) * 3 and point.baseline_times_ms == (100.0,) * 3
    assert (point.speedup_interval.low, point.speedup_interval.high) == (2.0, 2.0)
    assert "2.00x [2.00, 2.00], loss 5.0 [" in speedup_table({"static": result.frontier}, [0.05])
    rows = list(csv.DictReader(open(result.paths["frontier_csv"])))
    assert {"loss_low", "loss_high", "inputs"} <= set(rows[0]) and rows[-1]["inputs"] == "40"
    # Persisted: a resumed run reads the scores back.
    again = tune(None, scored, 0.0, options=options)
    assert again.baseline.scores == result.baseline.scores and len(again.evaluations) == len(result.evaluations)
    held_out = reevaluate(result, scored, "eval", loss_levels=[0.05, 0.15], guarded=True)
    # Unguarded: level 1 at 5 %, level 3 at 15 %; guarded: none at 5 %, level 1 at 15 %.
    assert sorted(p.speedup for p in held_out) == pytest.approx([2.0, 4.0])
    level1 = next(p for p in held_out if p.speedup < 2.5)
    assert level1.speedup == pytest.approx(2.0) and level1.times_ms == (50.0,) * 3
    assert level1.qos_loss == pytest.approx(0.10) and level1.loss_interval.low > 0.0
    table = transfer_table(result.frontier, held_out, [0.05]).splitlines()
    unguarded, guarded = table[2], table[3]
    assert "2.00x [2.00, 2.00], loss 5.0 [" in unguarded and "2.00x [2.00, 2.00], loss 10.0 [" in unguarded
    assert "+0%" in unguarded and "+5.0 pt" in unguarded
    assert guarded.split()[-4:] == ["-", "-", "-", "-"]


def test_frontier_tolerance_prefers_fewer_approximations_within_noise():
    from approxmlir.tuner import pareto

    def point(time_ms, accuracy, **decisions):
        config = {
            knob: {"transform": "func_substitute", "decisions": list(d), "thresholds": []}
            for knob, d in decisions.items()
        }
        return pareto.Point(config, time_ms, accuracy, 0.5 - accuracy, 200.0 / time_ms)

    simple = point(100.0, 0.5, qa=[2], retrieval=[0])
    noisy_win = point(97.0, 0.5, qa=[2], retrieval=[0, 1])  # 3 % faster with one more knob approximated
    real_win = point(80.0, 0.5, qa=[3], retrieval=[1])  # 20 % faster
    worse = point(110.0, 0.4, qa=[3], retrieval=[0])  # slower and less accurate
    assert pareto.approximated_knobs(noisy_win.config) == 2 and pareto.approximated_knobs(simple.config) == 1
    assert pareto.frontier([simple, noisy_win, worse]) == [noisy_win]
    assert pareto.frontier([simple, noisy_win, worse], time_tolerance=0.05) == [simple]
    assert pareto.frontier([simple, noisy_win, real_win], time_tolerance=0.05) == [real_win]


def test_frontier_simplification_tries_each_approximated_knob_back_at_exact(tmp_path):
    knobs = [KnobSpace(k, "f", f"x.mlir:{i}:1", ("func_substitute",), (0, 1)) for i, k in enumerate("qrs", 1)]
    log = tmp_path / "evaluated.jsonl"  # evaluations run in their own processes

    def evaluate(config):
        with open(log, "a") as handle:
            handle.write(json.dumps({k: p.decisions[0] for k, p in config.items()}) + "\n")
        # q halves the time; r and s buy 2 % each, within the timing noise.
        level = config["q"].decisions[0]
        noise = 0.02 * (config["r"].decisions[0] + config["s"].decisions[0])
        return 100.0 / (1 + level) * (1 - noise), 0.8

    seed = {
        "q": KnobParams("func_substitute", (1,)),
        "r": KnobParams("func_substitute", (1,)),
        "s": KnobParams("func_substitute", (1,)),
    }
    common = TuneOptions(
        knobs=knobs,
        mode="static",
        engine="random",
        max_evaluations=2,
        progress=False,
        seed_configs=[seed],
        frontier_tolerance=0.05,
        timing_repeats=1,  # the log holds the search's evaluations only
    )
    plain = tune(evaluate_fn=evaluate, options=dataclasses.replace(common, output_dir=tmp_path / "plain"))
    assert [p.config for p in plain.frontier] == [{k: v.to_json() for k, v in seed.items()}]
    result = tune(
        evaluate_fn=evaluate,
        options=dataclasses.replace(common, output_dir=tmp_path / "simplified", simplify_evaluations=10),
    )
    evaluated = [json.loads(line) for line in log.read_text().splitlines()]
    # The seed's neighbours in knob order, until one takes its frontier place; then that one's, but not q
    # back at exact again: the one configuration seen with q exact (besides the exact one) ran at the
    # exact one's pace (4 % faster, within the 5 % tolerance).
    assert evaluated[4:] == [{"q": 0, "r": 1, "s": 1}, {"q": 1, "r": 0, "s": 1}, {"q": 1, "r": 0, "s": 0}]
    assert [{k: v["decisions"] for k, v in p.config.items()} for p in result.frontier] == [
        {"q": [1], "r": [0], "s": [0]}
    ]
    capped = tune(
        evaluate_fn=evaluate,
        options=dataclasses.replace(common, output_dir=tmp_path / "capped", simplify_evaluations=1),
    )
    assert len(capped.evaluations) == 3


def test_time_budget_counts_from_the_exact_evaluation(tmp_path):
    def evaluate(config):
        exact = not any(any(p.decisions) for p in config.values())
        time.sleep(3.0 if exact else 0.05)  # the exact configuration outlasts the whole budget
        return synthetic(config)

    result = tune(
        None,
        evaluate,
        time_budget=2.0,
        options=TuneOptions(
            knobs=KNOBS, mode="static", engine="random", output_dir=tmp_path, max_evaluations=40, progress=False
        ),
    )
    assert len(result.evaluations) >= 3
    assert len(result.evaluations) < 40  # and it stopped at the budget


def test_static_and_dynamic_spaces_compared_on_one_plot(tmp_path):
    mlir = textwrap.dedent("""
        func.func private @state() -> i64
        func.func @f(%n: index) {
          approx.knob "loop"(%n) : (index) -> () transforms [loop_perforate]
              state @state thresholds 1 in [0, 10] decisions [0, 1, 2] {
          ^bb0(%m: index):
            %c0 = arith.constant 0 : index
            %c1 = arith.constant 1 : index
            scf.for %i = %c0 to %m step %c1 {
            }
            approx.yield
          }
          return
        }
    """)
    tree = {"loop": KnobParams("loop_perforate", (0, 2), (7,))}
    results = compare_search_spaces(
        mlir,
        synthetic,
        0.9,
        options=TuneOptions(output_dir=tmp_path, engine="random", max_evaluations=8, progress=False),
        dynamic_seed_configs=[tree],
    )
    # A dynamic seed is the dynamic search's first evaluation after the exact one.
    assert results["dynamic"].evaluations[1].config == {"loop": tree["loop"].to_json()}
    assert set(results) == {"static", "dynamic"}
    assert results["static"].paths["comparison_plot"].read_bytes()[:4] == b"\x89PNG"
    assert any(KnobParams.from_json(c).thresholds for r in results["dynamic"].evaluations for c in r.config.values())
    assert all(not KnobParams.from_json(c).thresholds for r in results["static"].evaluations for c in r.config.values())
    # The dynamic search starts from the static frontier: every static frontier point
    # was evaluated in the dynamic study, and none is better than the dynamic frontier.
    dynamic_configs = [r.config for r in results["dynamic"].evaluations]
    assert all(p.config in dynamic_configs for p in results["static"].frontier)
    assert results["dynamic"].frontier[0].time_ms <= results["static"].frontier[0].time_ms


def test_seed_configurations_are_evaluated_first_and_checked(tmp_path):
    seeds = [{"a": KnobParams("loop_perforate", (3,)), "b": KnobParams("func_substitute", (2,))}]
    result = tune(
        evaluate_fn=synthetic,
        options=TuneOptions(
            knobs=KNOBS,
            mode="dynamic",
            engine="random",
            output_dir=tmp_path,
            max_evaluations=4,
            progress=False,
            seed_configs=seeds,
        ),
    )
    assert [r.config for r in result.evaluations[:2]] == [
        {
            "a": {"transform": "loop_perforate", "decisions": [0], "thresholds": []},
            "b": {"transform": "func_substitute", "decisions": [0], "thresholds": []},
            "c": {"transform": "loop_perforate", "decisions": [0], "thresholds": []},
        },
        {k: v.to_json() for k, v in seeds[0].items()},
    ]
    with pytest.raises(ValueError, match=r"knobs the program does not have: \['zz'\]"):
        tune(
            evaluate_fn=synthetic,
            options=TuneOptions(
                knobs=KNOBS,
                engine="random",
                output_dir=tmp_path / "bad",
                progress=False,
                seed_configs=[{"zz": KnobParams("loop_perforate", (1,))}],
            ),
        )


def test_opentuner_leaves_logging_and_cwd_alone(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    formatter, handlers = logging.Formatter, list(logging.getLogger().handlers)
    tune(
        evaluate_fn=synthetic,
        options=TuneOptions(
            knobs=KNOBS[:1],
            mode="static",
            engine="opentuner",
            output_dir=tmp_path / "out",
            max_evaluations=3,
            progress=False,
        ),
    )
    assert logging.Formatter is formatter
    assert logging.getLogger().handlers == handlers
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_top_level_api_and_driver(tmp_path):
    assert ar.tune is tune and ar.TuneOptions is TuneOptions

    class Synthetic(Driver):
        def run_application(self, config):
            return synthetic(config)

    driver = Synthetic("unused.mlir")
    result = tune(
        evaluate_fn=driver.run_application,
        options=TuneOptions(
            knobs=KNOBS[:1], mode="static", engine="random", output_dir=tmp_path, max_evaluations=4, progress=False
        ),
    )
    assert result.best_time_ms == pytest.approx(100.0 / 3)
    # Driver.tune: tune's arguments after (mlir_source, evaluate_fn).
    again = driver.tune(
        0.9,
        None,
        options=TuneOptions(
            knobs=KNOBS[:1], mode="static", engine="random", output_dir=tmp_path, max_evaluations=4, progress=False
        ),
    )
    assert again.best_time_ms == pytest.approx(100.0 / 3) and len(again.evaluations) == 4


def test_tune_options_are_checked():
    defaults = TuneOptions()
    assert (
        defaults.mode,
        defaults.engine,
        defaults.max_evaluations,
        defaults.parallelism,
        defaults.executor,
        defaults.output_dir,
        defaults.loss_levels,
        defaults.timing_repeats,
    ) == ("dynamic", "opentuner", 100, 1, "local", "approxmlir-tuning", (0.01, 0.03, 0.05, 0.10), 3)
    assert TuneOptions(knobs=list(KNOBS), loss_levels=[0.1]).loss_levels == (0.1,)
    for field, value in [
        ("mode", "both"),
        ("engine", "annealing"),
        ("max_evaluations", 0),
        ("parallelism", 1.5),
        ("executor", "cloud"),
        ("evaluation_timeout", -1),
        ("loss_levels", "0.1"),
        ("frontier_tolerance", float("nan")),
        ("simplify_evaluations", -1),
        ("timing_repeats", 0),
        ("timing_repeats", 2.0),
        ("knobs", ["a"]),
        ("seed_configs", {"a": 1}),
        ("progress", "yes"),
        ("seed", None),
    ]:
        with pytest.raises(ValueError, match=rf"invalid TuneOptions: {field} must"):
            TuneOptions(**{field: value})
    with pytest.raises(ValueError, match="max_evaluations must.*; parallelism must"):
        TuneOptions(max_evaluations=0, parallelism=0)
    with pytest.raises(ValueError, match="invalid TuneOptions: mode"):
        dataclasses.replace(TuneOptions(), mode="both")
    with pytest.raises(TypeError, match=r"takes options=TuneOptions\(...\), got dict"):
        tune(None, synthetic, options={"knobs": KNOBS})
    with pytest.raises(TypeError, match="knobs"):  # the options are no longer keyword arguments of tune
        tune(evaluate_fn=synthetic, knobs=KNOBS)
    with pytest.raises(ValueError, match="time_budget must be a positive number"):
        tune(None, synthetic, 0.9, 0, options=TuneOptions(knobs=KNOBS))
    with pytest.raises(ValueError, match="accuracy_threshold must be a finite number"):
        tune(None, synthetic, "0.9", options=TuneOptions(knobs=KNOBS))
    with pytest.raises(TypeError, match=r"needs mlir_source or TuneOptions\(knobs=...\)"):
        tune(None, synthetic)


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
