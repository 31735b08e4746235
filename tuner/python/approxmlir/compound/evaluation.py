"""evaluate_fn for the tuner, from a pipeline, the data splits, a program and a QoS metric.

The program is the user's Python between the stages: given a PipelineRun
and a split's inputs it returns one output per input, calling the kernels
(`run.library`), the selection knobs (`run.choose`) and the models
(`run.ask`). The metric (e.g. approxmlir.qos.qa_accuracy) scores the outputs
against the split's references; the time is the run's seconds per input.
With `input_score` (one output and its reference -> a score, e.g. 1.0 when
the answer is right) the QoS is the mean score, and the evaluation also
returns every input's score, from which the tuner computes paired
confidence intervals of each configuration's QoS loss.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Mapping, Optional, Sequence, Union

from approxmlir.compound.pipeline import Pipeline, PipelineRun
from approxmlir.compound.service import ModelClient


@dataclasses.dataclass(frozen=True)
class Split:
    """A data split: the inputs and, for each, what the metric compares its output with."""

    inputs: Sequence[Any]
    references: Sequence[Any]

    def __post_init__(self) -> None:
        if len(self.inputs) != len(self.references):
            raise ValueError(f"a split has {len(self.inputs)} inputs but {len(self.references)} references")
        if not self.inputs:
            raise ValueError("a split needs at least one input")


Program = Callable[[PipelineRun, Sequence[Any]], Sequence[Any]]
Metric = Callable[[Sequence[Any], Sequence[Any]], float]
InputScore = Callable[[Any, Any], float]
Splits = Union[Mapping[str, Split], Callable[[str], Split]]


@dataclasses.dataclass
class PipelineEvaluation:
    """(config, split) -> (ms per input, QoS[, per-input scores]): the tuner's evaluate_fn. Picklable."""

    pipeline: Pipeline
    program: Program
    splits: Splits
    metric: Optional[Metric]
    models: Optional[ModelClient] = None
    parallel_requests: int = 1
    input_score: Optional[InputScore] = None

    def __post_init__(self) -> None:
        if (self.metric is None) == (self.input_score is None):
            raise ValueError(
                "give exactly one of metric (outputs, references -> QoS) and input_score (output, reference -> score)"
            )

    def split(self, name: str) -> Split:
        if callable(self.splits):
            return self.splits(name)
        if name not in self.splits:
            raise KeyError(f"no split {name!r} (have {sorted(self.splits)})")
        return self.splits[name]

    def outputs(self, config: Optional[Mapping], split: str = "tune") -> tuple[list[Any], float]:
        """The program's outputs on `split` with `config` (None: exact), and the seconds they took."""
        data = self.split(split)
        run = self.pipeline.run(config, self.models, parallel_requests=self.parallel_requests)
        outputs = list(self.program(run, data.inputs))
        seconds = run.seconds
        if len(outputs) != len(data.inputs):
            raise ValueError(f"the program returned {len(outputs)} outputs for {len(data.inputs)} inputs")
        return outputs, seconds

    def __call__(self, config: Optional[Mapping], split: str = "tune") -> tuple:
        outputs, seconds = self.outputs(config, split)
        data = self.split(split)
        ms = seconds * 1e3 / len(outputs)
        if self.input_score is None:
            return ms, float(self.metric(outputs, data.references))
        scores = [float(self.input_score(o, r)) for o, r in zip(outputs, data.references)]
        return ms, sum(scores) / len(scores), scores


def evaluate_fn(
    pipeline: Pipeline,
    program: Program,
    splits: Splits,
    metric: Optional[Metric] = None,
    *,
    models: Optional[ModelClient] = None,
    parallel_requests: int = 1,
    input_score: Optional[InputScore] = None,
) -> PipelineEvaluation:
    """The tuner's evaluate_fn for `pipeline` running `program` on `splits`, scored by `metric`.

    `splits` maps a split name ("tune", "eval") to a Split, or is a function
    that makes one. `models` is a ModelService's client; `parallel_requests`
    requests go to it at once (as many as it has workers). Give `input_score`
    instead of `metric` for per-input scores (and confidence intervals).
    """
    return PipelineEvaluation(pipeline, program, splits, metric, models, parallel_requests, input_score)
