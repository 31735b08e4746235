"""Builds the knowledge base of the kb benchmark from qa_dataset.json.

Writes <prefix>.txt (one line of DIM numbers per document, the paper's text
form) and <prefix>_questions.npy (the questions' embeddings, float32, in the
order of the dataset's questions). A build step (`//benchmarks:kb_embeddings`);
see approxbench/embeddings.py.
"""

import logging
import time

import numpy as np
from absl import app, flags

from approxbench import embeddings, qa_data

FLAGS = flags.FLAGS
flags.DEFINE_string("dataset", None, "qa_dataset.json", required=True)
flags.DEFINE_string("documents_out", None, "Where to write the documents' embeddings (text)", required=True)
flags.DEFINE_string("questions_out", None, "Where to write the questions' embeddings (.npy)", required=True)
flags.DEFINE_integer("max_documents", 0, "Embed only the first N documents (0: all); for small test builds.")


def main(argv):
    del argv
    dataset = qa_data.load_dataset(FLAGS.dataset)
    documents = dataset.documents[: FLAGS.max_documents or None]
    start = time.perf_counter()
    model = embeddings.load_model()
    embeddings.write_text_embeddings(FLAGS.documents_out, embeddings.embed(model, documents))
    with open(FLAGS.questions_out, "wb") as stream:
        np.save(stream, embeddings.embed(model, [q.question for q in dataset.questions]))
    logging.info(
        "embedded %d documents and %d questions in %.1f s",
        len(documents),
        len(dataset.questions),
        time.perf_counter() - start,
    )


if __name__ == "__main__":
    app.run(main)
