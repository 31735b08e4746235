"""Tune your own compound system: a keyword retriever in annotated C, then a QA model choice."""

import pathlib
import zlib

import numpy as np
from absl import app, flags

import approxmlir as ar
from approxmlir import compound
from approxmlir.qos import qa_accuracy

flags.DEFINE_string("model_file", None, "Gemma 3 270M GGUF for the readers (default: the packaged one)")
flags.DEFINE_string("output", "my_rag", "where the frontier and the answer memo go")
flags.DEFINE_integer("evaluations", 12, "configurations to try")
FLAGS = flags.FLAGS

DOCUMENTS = [
    "Paris is the capital and largest city of France.",
    "The Danube flows through Vienna, Budapest and Belgrade into the Black Sea.",
    "Marie Curie was born in Warsaw and won two Nobel Prizes.",
    "The Pacific is the largest and deepest ocean on Earth.",
    "Mount Everest, in the Himalayas, is the highest mountain above sea level.",
    "William Shakespeare wrote Hamlet, Macbeth and Romeo and Juliet.",
]
QUESTIONS = [  # (question, accepted answers): the first four tune, the last four evaluate
    ("What is the capital of France?", ["Paris"]),
    ("Where was Marie Curie born?", ["Warsaw"]),
    ("Who wrote Hamlet?", ["Shakespeare"]),
    ("Into which sea does the Danube flow?", ["Black Sea"]),
    ("Which is the deepest ocean on Earth?", ["Pacific"]),
    ("What is the highest mountain above sea level?", ["Everest"]),
    ("How many Nobel Prizes did Marie Curie win?", ["two", "2"]),
    ("Which city is the largest in France?", ["Paris"]),
]


def words(text: str) -> np.ndarray:
    return np.array([zlib.crc32(w.strip(".,?").encode()) for w in text.lower().split()], dtype=np.int64)


DOC_WORDS = [words(d) for d in DOCUMENTS]
ALL_WORDS = np.concatenate(DOC_WORDS)
OFFSETS = np.cumsum([0] + [len(w) for w in DOC_WORDS]).astype(np.int64)

retriever = compound.NativeKernel("retriever", source=pathlib.Path(__file__).with_name("keyword_retriever.c"))
# Decision 0 is the exact reader; the tuner picks a confidence threshold above which the cheaper one answers.
reader = compound.ModelChoice("reader", {0: "extractive", 1: "zero-shot"}, state_range=(0, 100))
pipeline = compound.Pipeline([retriever, reader])


def answer(run: compound.PipelineRun, questions: list[str]) -> list[str]:
    """The glue between the stages: retrieve, pick a reader by the retrieval's confidence, ask it."""
    requests = []
    for question in questions:
        query, scores = words(question), np.zeros(len(DOCUMENTS))
        run.library["keyword_scores"](ALL_WORDS, OFFSETS, len(DOCUMENTS), query, len(query), scores)
        best, second = np.sort(scores)[::-1][:2]
        confidence = int(100 * (best - second) / best) if best > 0 else 0
        passage = DOCUMENTS[int(np.argmax(scores))]
        requests.append(compound.Request(run.choose("reader", confidence), question, passage))
    return [reply.text for reply in run.ask(requests)]


def main(argv):
    del argv
    splits = {"tune": compound.Split(*zip(*QUESTIONS[:4])), "eval": compound.Split(*zip(*QUESTIONS[4:]))}
    readers = {"variants": ["extractive", "zero-shot"], "model_files": {"gemma3-270m": FLAGS.model_file}}
    memo = pathlib.Path(FLAGS.output, "answers.sqlite")
    with compound.ModelService("approxmlir.compound.models:qa_readers", memo, factory_kwargs=readers) as service:
        evaluate = compound.evaluate_fn(pipeline, answer, splits, qa_accuracy, models=service.client())
        options = ar.TuneOptions(output_dir=FLAGS.output, max_evaluations=FLAGS.evaluations)
        result = ar.tune(pipeline.mlir, evaluate, accuracy_threshold=0.5, options=options)
        print(result.summary)
        for point in result.frontier:  # the tuning split's trade-offs, measured on the held-out questions
            ms, accuracy = evaluate(point.config, "eval")
            print(f"{point.config}: {ms:.1f} ms per question, held-out accuracy {accuracy:.2f}")


if __name__ == "__main__":
    app.run(main)
