/* Knowledge-base retrieval: rank documents by the cosine similarity of their
 * embeddings to a question's, with the knobs of the ApproxMLIR paper,
 * Appendix B.2.
 *
 * Entry point (exported; driver: approxbench/kb.py):
 *
 *   int64_t kb(const uint8_t *text, const int64_t *line_offsets, int64_t n_docs,
 *              const double *queries, int64_t n_queries, int64_t dim,
 *              double *embeddings, double *scores);
 *
 *   returns the number of lines that did not hold dim numbers (0 when the
 *   knowledge base is well formed)
 *
 *   text          the knowledge base as the paper stores it (B.2.1): one line
 *                 of text per document, `dim` decimal numbers separated by
 *                 spaces (e.g. "-1.234567e-02 3.5e-01 ...")
 *   line_offsets  n_docs + 1 byte offsets of the lines
 *   queries       n_queries x dim question embeddings (L2-normalized)
 *   embeddings    scratch, n_docs x dim: the parsed embeddings
 *   scores        output, n_queries x n_docs: the dot product (= cosine
 *                 similarity, the embeddings being normalized) of every
 *                 question with every document, -2 where the similarity knob
 *                 skipped the document (similarities are >= -1)
 *
 * One call parses the whole knowledge base, then scores every question.
 *
 * Knobs (paper, Appendix B.2):
 *
 * (a) `parse_embedding` - embedding parsing, function substitution per
 *     document, state `approx_rt_random_state` (uniform 0..99, a fresh draw
 *     per document), so the tuner picks the share of documents parsed
 *     approximately. Variants 1 and 2 read only the first 4 and 2
 *     significant digits of every value and skip the rest (lower precision).
 * (b) `similarity` - similarity computation, function substitution per
 *     question, state `approx_rt_random_state`. Variants 1 and 2 skip each
 *     document with probability 5 % (the paper's) and 10 %.
 */
#include <stdint.h>

#include "approx/runtime.h"

static const double POWERS_OF_TEN[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                         1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static int64_t is_digit(uint8_t c) { return c >= '0' && c <= '9'; }

/* mantissa * 10^exponent, exact for |exponent| <= 22 and mantissa < 2^53 (one
 * rounding), as strtod does on the fast path. */
static double scale_by_power_of_ten(double mantissa, int64_t exponent) {
  while (exponent > 22) {
    mantissa *= 1e22;
    exponent -= 22;
  }
  while (exponent < -22) {
    mantissa /= 1e22;
    exponent += 22;
  }
  return exponent >= 0 ? mantissa * POWERS_OF_TEN[exponent] : mantissa / POWERS_OF_TEN[-exponent];
}

/* Parses the `dim` numbers of text[begin, end) into out[first ...]; returns
 * how many it found (the driver checks that it is dim). Keeps at most
 * `max_digits` significant digits of each value and skips the others. */
static int64_t parse_numbers(const uint8_t *text, int64_t begin, int64_t end, double *out, int64_t first,
                             int64_t dim, int64_t max_digits) {
  int64_t i = begin;
  int64_t count = 0;
  while (count < dim) {
    while (i < end && (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t'))
      i++;
    if (i >= end)
      break;
    int64_t negative = 0;
    if (text[i] == '-' || text[i] == '+') {
      negative = text[i] == '-' ? 1 : 0;
      i++;
    }
    int64_t mantissa = 0;
    int64_t digits = 0;
    int64_t exponent = 0;
    int64_t any = 0;
    while (i < end && is_digit(text[i])) {
      if (digits < max_digits) {
        mantissa = mantissa * 10 + (int64_t)(text[i] - '0');
        if (mantissa != 0)
          digits++;
      } else {
        exponent++;
      }
      any = 1;
      i++;
    }
    if (i < end && text[i] == '.') {
      i++;
      while (i < end && is_digit(text[i])) {
        if (digits < max_digits) {
          mantissa = mantissa * 10 + (int64_t)(text[i] - '0');
          exponent--;
          if (mantissa != 0)
            digits++;
        }
        any = 1;
        i++;
      }
    }
    if (any == 0)
      break; /* not a number: the driver reports the short count */
    if (i < end && (text[i] == 'e' || text[i] == 'E')) {
      i++;
      int64_t exponent_negative = 0;
      if (i < end && (text[i] == '-' || text[i] == '+')) {
        exponent_negative = text[i] == '-' ? 1 : 0;
        i++;
      }
      int64_t written = 0;
      while (i < end && is_digit(text[i])) {
        written = written * 10 + (int64_t)(text[i] - '0');
        i++;
      }
      exponent += exponent_negative ? -written : written;
    }
    double value = scale_by_power_of_ten((double)mantissa, exponent);
    out[first + count] = negative ? -value : value;
    count++;
  }
  return count;
}

/* Parses one document's embedding at full precision (17 digits: every
 * digit of the "%.6e" text). */
// @approx:decision_tree {
//   id: parse_embedding
//   state_function: approx_rt_random_state
//   threshold_range: [0, 100]
//   num_thresholds: 1
//   decision_values: [0, 1, 2]
//   transform_type: func_substitute
// }
int64_t parse_embedding(const uint8_t *text, int64_t begin, int64_t end, double *out, int64_t first,
                        int64_t dim) {
  return parse_numbers(text, begin, end, out, first, dim, 17);
}

/* Variants 1 and 2 of `parse_embedding`: 4 and 2 significant digits. */
int64_t approx_parse_embedding_1(const uint8_t *text, int64_t begin, int64_t end, double *out, int64_t first,
                                 int64_t dim) {
  return parse_numbers(text, begin, end, out, first, dim, 4);
}

int64_t approx_parse_embedding_2(const uint8_t *text, int64_t begin, int64_t end, double *out, int64_t first,
                                 int64_t dim) {
  return parse_numbers(text, begin, end, out, first, dim, 2);
}

/* Embedding d times question q. */
static double dot(const double *embeddings, int64_t d, const double *queries, int64_t q, int64_t dim) {
  double sum = 0.0;
  for (int64_t k = 0; k < dim; k++)
    sum += embeddings[d * dim + k] * queries[q * dim + k];
  return sum;
}

/* Similarities of question q to every document. */
// @approx:decision_tree {
//   id: similarity
//   state_function: approx_rt_random_state
//   threshold_range: [0, 100]
//   num_thresholds: 1
//   decision_values: [0, 1, 2]
//   transform_type: func_substitute
// }
void similarity(const double *embeddings, int64_t n_docs, int64_t dim, const double *queries, int64_t q,
                double *scores) {
  for (int64_t d = 0; d < n_docs; d++) {
    scores[q * n_docs + d] = dot(embeddings, d, queries, q, dim);
  }
}

static void similarity_skipping(const double *embeddings, int64_t n_docs, int64_t dim, const double *queries,
                                int64_t q, double *scores, double skip) {
  for (int64_t d = 0; d < n_docs; d++) {
    if (approx_rt_uniform() < skip) {
      scores[q * n_docs + d] = -2.0;
      continue;
    }
    scores[q * n_docs + d] = dot(embeddings, d, queries, q, dim);
  }
}

/* Variants 1 and 2 of `similarity`: skip 5 and 10 % of the documents. */
void approx_similarity_1(const double *embeddings, int64_t n_docs, int64_t dim, const double *queries, int64_t q,
                         double *scores) {
  similarity_skipping(embeddings, n_docs, dim, queries, q, scores, 0.05);
}

void approx_similarity_2(const double *embeddings, int64_t n_docs, int64_t dim, const double *queries, int64_t q,
                         double *scores) {
  similarity_skipping(embeddings, n_docs, dim, queries, q, scores, 0.10);
}

/* Returns the number of documents whose line did not hold `dim` numbers
 * (0 for a well-formed knowledge base). */
int64_t kb(const uint8_t *text, const int64_t *line_offsets, int64_t n_docs, const double *queries,
           int64_t n_queries, int64_t dim, double *embeddings, double *scores) {
  int64_t malformed = 0;
  for (int64_t d = 0; d < n_docs; d++) {
    int64_t parsed = parse_embedding(text, line_offsets[d], line_offsets[d + 1], embeddings, d * dim, dim);
    malformed += parsed == dim ? 0 : 1;
  }
  for (int64_t q = 0; q < n_queries; q++)
    similarity(embeddings, n_docs, dim, queries, q, scores);
  return malformed;
}
