/* Knowledge-base retrieval: rank documents by the cosine similarity of their
 * embeddings to a question's, with the knobs of the ApproxMLIR paper,
 * Appendix B.2, and two of this project's.
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
 *                 spaces (e.g. "-1.234567e-02 3.5e-01 ..."; the benchmark's
 *                 file is written with "%.6e")
 *   line_offsets  n_docs + 1 byte offsets of the lines
 *   queries       n_queries x dim question embeddings (L2-normalized)
 *   embeddings    scratch, n_docs x dim: the parsed embeddings, split in two
 *                 blocks (see `embedding_slot`): the first HEAD_DIMS
 *                 dimensions of every document, then the rest
 *   scores        output, n_queries x n_docs: the dot product (= cosine
 *                 similarity, the embeddings being normalized) of every
 *                 question with every document, -2 where the similarity knob
 *                 skipped the document (similarities are >= -1)
 *
 * One call parses the whole knowledge base, then scores every question.
 *
 * The exact path is the fastest exact one this kernel has: numbers in the
 * file's fixed "%.6e" layout are parsed at their fixed positions, every
 * byte checked (anything else goes through the general parser, with the
 * same result), and a dot product keeps four running sums.
 *
 * Knobs (paper, Appendix B.2):
 *
 * (a) `parse_embedding` - embedding parsing, function substitution per
 *     document, state `approx_rt_random_state` (uniform 0..99, a fresh draw
 *     per document), so the tuner picks the share of documents parsed
 *     approximately. Variants 1 and 2 (the paper's) read only the first 4
 *     and 2 significant digits of every value and scan the rest; variants 3
 *     and 4 read 4 and 2 digits at their fixed positions and step over the
 *     rest of the number and its separator at once (fixed-width skipping).
 * (b) `similarity` - similarity computation, function substitution per
 *     question, state `approx_rt_random_state`. Variants 1 and 2 (the
 *     paper's) skip each document with probability 5 % and 10 %; variants 3
 *     and 4 rank every document by the dot of its first HEAD_DIMS
 *     dimensions and compute the full dot only for the best tenth and
 *     twentieth (prefilter and rerank: the top of the ranking stays).
 */
#include <stdint.h>

#include "approx/runtime.h"

/* The dimensions of the embeddings' first block (a multiple of 4): the
 * prefilter reads this block only, one contiguous stream. */
#define HEAD_DIMS 128

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

/* The dimensions of the first block: HEAD_DIMS, or all of them when there
 * are fewer. */
static int64_t head_dims(int64_t dim) { return dim < HEAD_DIMS ? dim : HEAD_DIMS; }

/* Where dimension k of document d's embedding is stored: the first block
 * holds dimensions [0, head) of every document (row d at d * head), the
 * second the others (row d at n_docs * head + d * (dim - head)). */
static int64_t embedding_slot(int64_t d, int64_t k, int64_t n_docs, int64_t dim) {
  int64_t head = head_dims(dim);
  return k < head ? d * head + k : n_docs * head + d * (dim - head) + (k - head);
}

static int64_t is_space(uint8_t c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

/* Parses the number that starts at text[i] (sign, digits, optional fraction
 * and exponent) into out[slot], keeping at most `max_digits` significant
 * digits and skipping the others; returns the index after it, or -1 when
 * text[i] starts no number. */
static int64_t parse_general(const uint8_t *text, int64_t i, int64_t end, double *out, int64_t slot,
                             int64_t max_digits) {
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
    return -1;
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
  out[slot] = negative ? -value : value;
  return i;
}

/* Parses the numbers `count`, `count` + 1, ... dim - 1 of document d from
 * text[i, end) with the general parser into their slots of `out`; returns
 * how many numbers the document has then (the driver checks that it is
 * dim). Keeps at most `max_digits` significant digits of each value and
 * skips the others. */
static int64_t parse_numbers(const uint8_t *text, int64_t i, int64_t end, double *out, int64_t d, int64_t n_docs,
                             int64_t dim, int64_t count, int64_t max_digits) {
  while (count < dim) {
    while (i < end && is_space(text[i]))
      i++;
    if (i >= end)
      break;
    int64_t next = parse_general(text, i, end, out, embedding_slot(d, count, n_docs, dim), max_digits);
    if (next < 0)
      break; /* not a number: the driver reports the short count */
    i = next;
    count++;
  }
  return count;
}

/* 1 unless c is a decimal digit. */
static int64_t not_digit(uint8_t c) { return (uint8_t)(c - '0') > 9 ? 1 : 0; }

/* The exact parser on the knowledge base's own format, "%.6e" numbers
 * separated by one space: [-]d.dddddde[+-]dd, 12 bytes after the sign. Each
 * number at its fixed positions, every byte checked, the value computed as
 * parse_general computes it (the 7-digit mantissa scaled by 10^(e - 6), one
 * rounding), so the result is the same; from the first number in any other
 * form on, the general parser takes over. */
static int64_t parse_numbers_fixed(const uint8_t *text, int64_t begin, int64_t end, double *out, int64_t d,
                                   int64_t n_docs, int64_t dim) {
  int64_t i = begin;
  int64_t count = 0;
  while (count < dim && i < end) {
    int64_t negative = text[i] == '-' ? 1 : 0;
    int64_t s = i + negative;
    if (s + 12 > end)
      break;
    int64_t bad = text[s + 1] != '.' || text[s + 8] != 'e' || (text[s + 9] != '-' && text[s + 9] != '+') ? 1 : 0;
    bad |= s + 12 < end && text[s + 12] != ' ' && text[s + 12] != '\n' ? 1 : 0;
    bad |= not_digit(text[s]) | not_digit(text[s + 2]) | not_digit(text[s + 3]) | not_digit(text[s + 4]) |
           not_digit(text[s + 5]) | not_digit(text[s + 6]) | not_digit(text[s + 7]) | not_digit(text[s + 10]) |
           not_digit(text[s + 11]);
    if (bad != 0)
      break;
    int64_t mantissa = (int64_t)(text[s] - '0');
    for (int64_t k = 2; k <= 7; k++)
      mantissa = mantissa * 10 + (int64_t)(text[s + k] - '0');
    int64_t written = (int64_t)(text[s + 10] - '0') * 10 + (int64_t)(text[s + 11] - '0');
    double value = scale_by_power_of_ten((double)mantissa, (text[s + 9] == '-' ? -written : written) - 6);
    out[embedding_slot(d, count, n_docs, dim)] = negative ? -value : value;
    count++;
    i = s + 13;
  }
  return parse_numbers(text, i, end, out, d, n_docs, dim, count, 17);
}

static const double NEGATIVE_POWERS_OF_TEN[23] = {1e0,   1e-1,  1e-2,  1e-3,  1e-4,  1e-5,  1e-6,  1e-7,
                                                  1e-8,  1e-9,  1e-10, 1e-11, 1e-12, 1e-13, 1e-14, 1e-15,
                                                  1e-16, 1e-17, 1e-18, 1e-19, 1e-20, 1e-21, 1e-22};

/* The approximate fixed-width parser: trusts the "%.6e" layout, reads the
 * sign, the first `keep` (1..7) mantissa digits and the exponent at their
 * fixed positions and steps over the rest of the number and its one-byte
 * separator at once, without looking at the skipped digits; scales with a
 * multiplication (one more rounding). Checks the layout's landmarks (the
 * '.', the 'e' and the separator) and falls back to the general parser (at
 * `keep` significant digits) from the first number that lacks them, so a
 * line in another format still parses and a line of the wrong length is
 * still reported, but a bad character among the skipped digits goes
 * unnoticed. */
static int64_t parse_numbers_skipping(const uint8_t *text, int64_t begin, int64_t end, double *out, int64_t d,
                                      int64_t n_docs, int64_t dim, int64_t keep) {
  int64_t i = begin;
  int64_t count = 0;
  while (count < dim && i < end) {
    int64_t negative = text[i] == '-' ? 1 : 0;
    int64_t s = i + negative;
    if (s + 12 > end || text[s + 1] != '.' || text[s + 8] != 'e' ||
        (s + 12 < end && text[s + 12] != ' ' && text[s + 12] != '\n'))
      break;
    int64_t mantissa = (int64_t)(text[s] - '0');
    for (int64_t k = 2; k <= keep; k++)
      mantissa = mantissa * 10 + (int64_t)(text[s + k] - '0');
    int64_t written = (int64_t)(text[s + 10] - '0') * 10 + (int64_t)(text[s + 11] - '0');
    int64_t exponent = (text[s + 9] == '-' ? -written : written) - (keep - 1);
    double value = exponent >= 0 && exponent <= 22   ? (double)mantissa * POWERS_OF_TEN[exponent]
                   : exponent < 0 && exponent >= -22 ? (double)mantissa * NEGATIVE_POWERS_OF_TEN[-exponent]
                                                     : scale_by_power_of_ten((double)mantissa, exponent);
    out[embedding_slot(d, count, n_docs, dim)] = negative ? -value : value;
    count++;
    i = s + 13;
  }
  return parse_numbers(text, i, end, out, d, n_docs, dim, count, keep);
}

/* Parses document d's embedding (the line text[begin, end)) at full
 * precision (17 digits: every digit of the "%.6e" text). */
// @approx:decision_tree {
//   id: parse_embedding
//   state_function: approx_rt_random_state
//   threshold_range: [0, 100]
//   num_thresholds: 1
//   decision_values: [0, 1, 2, 3, 4]
//   transform_type: func_substitute
// }
int64_t parse_embedding(const uint8_t *text, int64_t begin, int64_t end, double *out, int64_t d, int64_t n_docs,
                        int64_t dim) {
  return parse_numbers_fixed(text, begin, end, out, d, n_docs, dim);
}

/* Variants 1 and 2 of `parse_embedding` (the paper's): 4 and 2 significant
 * digits, every character still scanned. */
int64_t approx_parse_embedding_1(const uint8_t *text, int64_t begin, int64_t end, double *out, int64_t d,
                                 int64_t n_docs, int64_t dim) {
  return parse_numbers(text, begin, end, out, d, n_docs, dim, 0, 4);
}

int64_t approx_parse_embedding_2(const uint8_t *text, int64_t begin, int64_t end, double *out, int64_t d,
                                 int64_t n_docs, int64_t dim) {
  return parse_numbers(text, begin, end, out, d, n_docs, dim, 0, 2);
}

/* Variants 3 and 4: the fixed-width parser at 4 and 2 significant digits. */
int64_t approx_parse_embedding_3(const uint8_t *text, int64_t begin, int64_t end, double *out, int64_t d,
                                 int64_t n_docs, int64_t dim) {
  return parse_numbers_skipping(text, begin, end, out, d, n_docs, dim, 4);
}

int64_t approx_parse_embedding_4(const uint8_t *text, int64_t begin, int64_t end, double *out, int64_t d,
                                 int64_t n_docs, int64_t dim) {
  return parse_numbers_skipping(text, begin, end, out, d, n_docs, dim, 2);
}

/* Adds embeddings[e + j] * queries[f + j], j < count, to four running sums:
 * term j to sums[j % 4] (a serial sum would wait on each addition). */
static void dot_sums(const double *embeddings, int64_t e, const double *queries, int64_t f, int64_t count,
                     double *sums) {
  double s0 = sums[0];
  double s1 = sums[1];
  double s2 = sums[2];
  double s3 = sums[3];
  int64_t j = 0;
  for (; j + 4 <= count; j += 4) {
    s0 += embeddings[e + j] * queries[f + j];
    s1 += embeddings[e + j + 1] * queries[f + j + 1];
    s2 += embeddings[e + j + 2] * queries[f + j + 2];
    s3 += embeddings[e + j + 3] * queries[f + j + 3];
  }
  for (; j < count; j++)
    s0 += embeddings[e + j] * queries[f + j];
  sums[0] = s0;
  sums[1] = s1;
  sums[2] = s2;
  sums[3] = s3;
}

/* Embedding d times question q over its first block (HEAD_DIMS
 * dimensions): the sums of dot_sums added as (s0 + s1) + (s2 + s3). */
static double dot_head(const double *embeddings, int64_t d, const double *queries, int64_t q, int64_t dim) {
  int64_t head = head_dims(dim);
  double sums[4] = {0.0, 0.0, 0.0, 0.0};
  dot_sums(embeddings, d * head, queries, q * dim, head, sums);
  return (sums[0] + sums[1]) + (sums[2] + sums[3]);
}

/* Embedding d times question q: the first block, then the second continuing
 * the same four sums (HEAD_DIMS is a multiple of 4, so dimension k is in
 * sums[k % 4] throughout). */
static double dot(const double *embeddings, int64_t d, int64_t n_docs, const double *queries, int64_t q,
                  int64_t dim) {
  int64_t head = head_dims(dim);
  double sums[4] = {0.0, 0.0, 0.0, 0.0};
  dot_sums(embeddings, d * head, queries, q * dim, head, sums);
  dot_sums(embeddings, n_docs * head + d * (dim - head), queries, q * dim + head, dim - head, sums);
  return (sums[0] + sums[1]) + (sums[2] + sums[3]);
}

/* Similarities of question q to every document. */
// @approx:decision_tree {
//   id: similarity
//   state_function: approx_rt_random_state
//   threshold_range: [0, 100]
//   num_thresholds: 1
//   decision_values: [0, 1, 2, 3, 4]
//   transform_type: func_substitute
// }
void similarity(const double *embeddings, int64_t n_docs, int64_t dim, const double *queries, int64_t q,
                double *scores) {
  for (int64_t d = 0; d < n_docs; d++) {
    scores[q * n_docs + d] = dot(embeddings, d, n_docs, queries, q, dim);
  }
}

static void similarity_skipping(const double *embeddings, int64_t n_docs, int64_t dim, const double *queries,
                                int64_t q, double *scores, double skip) {
  for (int64_t d = 0; d < n_docs; d++) {
    if (approx_rt_uniform() < skip) {
      scores[q * n_docs + d] = -2.0;
      continue;
    }
    scores[q * n_docs + d] = dot(embeddings, d, n_docs, queries, q, dim);
  }
}

/* Variants 1 and 2 of `similarity` (the paper's): skip 5 and 10 % of the
 * documents at random. */
void approx_similarity_1(const double *embeddings, int64_t n_docs, int64_t dim, const double *queries, int64_t q,
                         double *scores) {
  similarity_skipping(embeddings, n_docs, dim, queries, q, scores, 0.05);
}

void approx_similarity_2(const double *embeddings, int64_t n_docs, int64_t dim, const double *queries, int64_t q,
                         double *scores) {
  similarity_skipping(embeddings, n_docs, dim, queries, q, scores, 0.10);
}

#define SCORE_BINS 4096
#define MIN_CANDIDATES 200

/* The bin of a similarity in [-1, 1] (clamped). */
static int64_t score_bin(double score) {
  int64_t bin = (int64_t)((score + 1.0) * (0.5 * SCORE_BINS));
  return bin < 0 ? 0 : (bin >= SCORE_BINS ? SCORE_BINS - 1 : bin);
}

/* Prefilter and rerank: the dot over the first block (HEAD_DIMS
 * dimensions, one contiguous stream) ranks every document cheaply; the
 * documents whose partial score is among the best `n_docs / fraction` (at
 * least MIN_CANDIDATES; a histogram of the partial scores picks the cut, so
 * a few more pass at the cut's bin) get the full dot (their exact score),
 * the others are skipped (-2). A document of the true top is lost only when
 * its first dimensions undersell it. */
static void similarity_prefiltered(const double *embeddings, int64_t n_docs, int64_t dim, const double *queries,
                                   int64_t q, double *scores, int64_t fraction) {
  int64_t counts[SCORE_BINS];
  for (int64_t b = 0; b < SCORE_BINS; b++)
    counts[b] = 0;
  for (int64_t d = 0; d < n_docs; d++) {
    double partial = dot_head(embeddings, d, queries, q, dim);
    scores[q * n_docs + d] = partial;
    counts[score_bin(partial)] += 1;
  }
  int64_t wanted = n_docs / fraction;
  wanted = wanted < MIN_CANDIDATES ? MIN_CANDIDATES : wanted;
  int64_t cut = SCORE_BINS - 1;
  int64_t taken = counts[cut];
  while (cut > 0 && taken < wanted) {
    cut--;
    taken += counts[cut];
  }
  for (int64_t d = 0; d < n_docs; d++) {
    int64_t candidate = score_bin(scores[q * n_docs + d]) >= cut ? 1 : 0;
    scores[q * n_docs + d] = candidate != 0 ? dot(embeddings, d, n_docs, queries, q, dim) : -2.0;
  }
}

/* Variants 3 and 4 of `similarity`: the prefilter keeping a tenth and a
 * twentieth of the documents. */
void approx_similarity_3(const double *embeddings, int64_t n_docs, int64_t dim, const double *queries, int64_t q,
                         double *scores) {
  similarity_prefiltered(embeddings, n_docs, dim, queries, q, scores, 10);
}

void approx_similarity_4(const double *embeddings, int64_t n_docs, int64_t dim, const double *queries, int64_t q,
                         double *scores) {
  similarity_prefiltered(embeddings, n_docs, dim, queries, q, scores, 20);
}

/* Returns the number of documents whose line did not hold `dim` numbers
 * (0 for a well-formed knowledge base). */
int64_t kb(const uint8_t *text, const int64_t *line_offsets, int64_t n_docs, const double *queries,
           int64_t n_queries, int64_t dim, double *embeddings, double *scores) {
  int64_t malformed = 0;
  for (int64_t d = 0; d < n_docs; d++) {
    int64_t parsed = parse_embedding(text, line_offsets[d], line_offsets[d + 1], embeddings, d, n_docs, dim);
    malformed += parsed == dim ? 0 : 1;
  }
  for (int64_t q = 0; q < n_queries; q++)
    similarity(embeddings, n_docs, dim, queries, q, scores);
  return malformed;
}
