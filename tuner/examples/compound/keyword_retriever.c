// keyword_retriever.c: scores every document by how many of its words are
// query words. Words are hashes (the Python side hashes them); document d's
// words are doc_terms[doc_offsets[d] .. doc_offsets[d + 1]).
#include <stdint.h>

void keyword_scores(const int64_t *doc_terms, const int64_t *doc_offsets,
                    int64_t n_docs, const int64_t *query, int64_t n_query,
                    double *scores) {
  for (int64_t d = 0; d < n_docs; d++) {
    double s = 0.0;
    // Looking at every 2nd or 4th word of a document is cheaper, and may
    // still find the document that shares the most words with the query.
    // @approx:transform { id: word_sampling, transform_type: loop_perforate, decision_values: [0, 1, 3] }
    for (int64_t t = doc_offsets[d]; t < doc_offsets[d + 1]; t++)
      for (int64_t q = 0; q < n_query; q++)
        if (doc_terms[t] == query[q])
          s += 1.0;
    scores[d] = s;
  }
}
