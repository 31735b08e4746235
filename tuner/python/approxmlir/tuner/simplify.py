"""The frontier simplification after a search (`TuneOptions.simplify_evaluations`).

With a time tolerance, an approximation whose speed is timing noise should
give way to a configuration with fewer approximated knobs; the search may
never have tried those. `simplify_frontier` evaluates, fastest frontier
point first, each point's configuration with one approximated knob set back
to exact (`simpler_neighbours`) until no such point has an untried one.
"""

from __future__ import annotations

import logging
from typing import Callable

from approxmlir.compiler import KnobParams
from approxmlir.tuner import pareto
from approxmlir.tuner.database import Record
from approxmlir.tuner.space import Configuration, config_from_json, config_key

_LOG = logging.getLogger(__name__)


def simpler_neighbours(config: Configuration) -> dict[str, Configuration]:
    """For each of `config`'s approximated knobs, the configuration that sets it back to exact."""
    return {
        knob: {**config, knob: KnobParams(params.transform, (0,))}
        for knob, params in sorted(config.items())
        if pareto.approximates(params.decisions)
    }


def simplify_frontier(
    done: dict[str, Record],
    baseline: Record,
    evaluate: Callable[[Configuration], Record],
    time_tolerance: float,
    max_evaluations: int,
) -> None:
    """Evaluates untried simpler neighbours of the frontier's points, fastest point first."""
    spent = 0
    while spent < max_evaluations:
        records = [r for r in done.values() if r.ok and r.time_ms]
        front = pareto.frontier(pareto.points(records, baseline.time_ms, baseline.accuracy), time_tolerance)
        # Where every configuration seen with a knob exact (besides the exact
        # one) runs within the tolerance of the exact time, that knob sets the
        # cost (e.g. the exact LLM): its neighbours cannot keep their points' pace.
        fastest_with_exact = {
            knob: min(
                (
                    r.time_ms
                    for r in records
                    if r.config_key != baseline.config_key
                    and not pareto.approximates(r.config.get(knob, {}).get("decisions", ()))
                ),
                default=0.0,
            )
            for knob in baseline.config
        }
        untried = [
            neighbour
            for point in front
            if point.speedup > 1 + time_tolerance
            for knob, neighbour in simpler_neighbours(config_from_json(point.config)).items()
            if knob in fastest_with_exact
            and config_key(neighbour) not in done
            and fastest_with_exact[knob] * (1 + time_tolerance) < baseline.time_ms
        ]
        if not untried:
            break
        record = evaluate(untried[0])
        spent += 1
        _LOG.info(
            "simplifying the frontier (%d/%d): %s ms, accuracy %s for %s",
            spent,
            max_evaluations,
            f"{record.time_ms:.4g}" if record.ok else record.status,
            f"{record.accuracy:.4f}" if record.ok else "-",
            record.config_key,
        )
    _LOG.info("frontier simplification: %d evaluations", spent)
