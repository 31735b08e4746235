"""approxmlir.compound: build and tune your own compound AI system.

A compound system is a pipeline of stages, linked into ONE approx module so
that the tuner sees every knob:

- `NativeKernel`: annotated C (the C frontend), with its knobs;
- `ModelChoice`: a choice among model variants (sizes, precisions, prompts)
  by a selection knob whose state the program computes;
- plain Python between them: the program, `program(run, inputs) -> outputs`.

A `ModelService` memoizes (variant, question, context) -> (answer, measured
seconds, the generator's confidence if it reports one) persistently and
serves worker processes, locally or on a Dask cluster; `evaluate_fn` turns the pipeline, the program, the data splits and a
QoS metric (approxmlir.qos) into the tuner's evaluate_fn. See the README's
"Tune your own compound system".
"""

from approxmlir.compound.evaluation import PipelineEvaluation, Split, evaluate_fn
from approxmlir.compound.generators import Generator, ModelServiceError
from approxmlir.compound.memo import Answer, AnswerMemo, Request
from approxmlir.compound.pipeline import Pipeline, PipelineRun
from approxmlir.compound.service import ModelClient, ModelService
from approxmlir.compound.stages import ModelChoice, NativeKernel

__all__ = [
    "Answer",
    "AnswerMemo",
    "Generator",
    "ModelChoice",
    "ModelClient",
    "ModelService",
    "ModelServiceError",
    "NativeKernel",
    "Pipeline",
    "PipelineEvaluation",
    "PipelineRun",
    "Request",
    "Split",
    "evaluate_fn",
]
