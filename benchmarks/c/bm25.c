/* Okapi BM25 ranking of a text corpus for one query, with the knobs of the
 * ApproxMLIR paper, Appendix B.3.
 *
 * Entry point (exported; driver: approxbench/bm25.py):
 *
 *   void bm25(const uint8_t *text, const int64_t *doc_offsets, int64_t n_docs,
 *             const uint8_t *query, int64_t query_len,
 *             int64_t *tokens, int64_t *token_offsets, int64_t *keep,
 *             int64_t *table, int64_t *query_terms, double *scores);
 *
 *   text          the corpus, UTF-8 bytes of every document back to back
 *   doc_offsets   n_docs + 1 byte offsets: document d is
 *                 text[doc_offsets[d] .. doc_offsets[d + 1])
 *   query         the query's bytes (query_len of them)
 *   tokens        scratch, >= len(text) / 2 + 1 + n_docs (every token is at
 *                 least one byte followed by a boundary)
 *   token_offsets scratch, n_docs + 1
 *   keep          scratch, n_docs: 1 when the document takes part
 *   table         scratch, 3 * TABLE_SLOTS: the document-frequency hash table
 *   query_terms   scratch, >= query_len / 2 + 1
 *   scores        output, n_docs: the BM25 score of every document that takes
 *                 part (>= 0), -1 for the documents the corpus-subsetting
 *                 knob skipped
 *
 * Every run does the whole job, as the paper's kernel does: preprocess the
 * query and the corpus (lowercase, split into alphanumeric words, hash each
 * word with 64-bit FNV-1a), count every term's document frequency in an
 * open-addressing hash table, then score each document for each distinct
 * query term: idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * |d| / avgdl)),
 * idf = ln(1 + (N - df + 0.5) / (df + 0.5)), k1 = 1.2, b = 0.75.
 *
 * Knobs (paper, Appendix B.3). The frontend supports only state functions
 * without arguments, so the kernel stores each knob's state in a static
 * global right before the knob's call and the state function reads it back
 * (single-threaded kernel).
 *
 * (a) `preprocess` - text preprocessing, function substitution, state
 *     `document_length_state` (the length of the text being preprocessed in
 *     units of 16 bytes, clamped to 0..100: long documents are where the
 *     time goes). Variant 1 lowercases only the first character of each word
 *     and splits at spaces only, so punctuation stays attached to words
 *     ("physics." is not "physics").
 * (b) `select_documents` - corpus subsetting, function substitution, state
 *     `query_terms_state` (the number of distinct query terms: the cost of
 *     scoring grows with it). Variants 1, 2, 3 skip each document with
 *     probability 15, 30 and 50 % (runtime PRNG); skipped documents are
 *     neither preprocessed nor counted.
 * (c) `score_term` - term scoring, function substitution, state
 *     `term_idf_state` (the term's IDF times 10, clamped to 0..100: skipping
 *     documents for a common term loses little). Variants 1 and 2 skip each
 *     document with probability 10 and 20 %.
 */
#include <math.h>
#include <stdint.h>

#include "approx/runtime.h"

#define BM25_K1 1.2
#define BM25_B 0.75
/* Slots of the document-frequency table (a power of two, more than twice
 * the distinct words of a 10,000-document corpus). */
#define TABLE_SLOTS 262144
#define TABLE_MASK 262143
#define FNV_OFFSET 14695981039346656037ULL
#define FNV_PRIME 1099511628211ULL

/* Knob states, written right before each knob's call. */
static int64_t g_text_length = 0;
static int64_t g_query_terms = 0;
static double g_term_idf = 0.0;

int64_t document_length_state(void) {
  int64_t units = g_text_length / 16;
  return units > 100 ? 100 : units;
}

int64_t query_terms_state(void) { return g_query_terms > 100 ? 100 : g_query_terms; }

int64_t term_idf_state(void) {
  double scaled = g_term_idf * 10.0;
  if (scaled < 0.0)
    return 0;
  if (scaled > 100.0)
    return 100;
  return (int64_t)scaled;
}

/* ASCII letters and digits are word characters; so is every byte >= 0x80,
 * which keeps UTF-8 sequences inside words. */
static int64_t is_word_byte(uint8_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 128;
}

static uint8_t to_lower(uint8_t c) { return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c; }

/* Writes the hashes of the words of text[begin, end) to out[first ...];
 * returns how many. */
// @approx:decision_tree {
//   id: preprocess
//   state_function: document_length_state
//   threshold_range: [0, 100]
//   num_thresholds: 1
//   decision_values: [0, 1]
//   transform_type: func_substitute
// }
int64_t preprocess(const uint8_t *text, int64_t begin, int64_t end, int64_t *out, int64_t first) {
  int64_t count = 0;
  int64_t in_word = 0;
  uint64_t hash = FNV_OFFSET;
  for (int64_t i = begin; i < end; i++) {
    uint8_t c = text[i];
    if (is_word_byte(c)) {
      hash = (hash ^ (uint64_t)to_lower(c)) * FNV_PRIME;
      in_word = 1;
    } else if (in_word) {
      out[first + count] = (int64_t)hash;
      count++;
      hash = FNV_OFFSET;
      in_word = 0;
    }
  }
  if (in_word) {
    out[first + count] = (int64_t)hash;
    count++;
  }
  return count;
}

/* Variant 1 of `preprocess`: lowercases the first byte of a word only and
 * splits at spaces only. */
int64_t approx_preprocess_1(const uint8_t *text, int64_t begin, int64_t end, int64_t *out, int64_t first) {
  int64_t count = 0;
  int64_t in_word = 0;
  uint64_t hash = FNV_OFFSET;
  for (int64_t i = begin; i < end; i++) {
    uint8_t c = text[i];
    if (c != ' ') {
      uint8_t folded = in_word ? c : to_lower(c);
      hash = (hash ^ (uint64_t)folded) * FNV_PRIME;
      in_word = 1;
    } else if (in_word) {
      out[first + count] = (int64_t)hash;
      count++;
      hash = FNV_OFFSET;
      in_word = 0;
    }
  }
  if (in_word) {
    out[first + count] = (int64_t)hash;
    count++;
  }
  return count;
}

/* Marks which documents take part: all of them. */
// @approx:decision_tree {
//   id: select_documents
//   state_function: query_terms_state
//   threshold_range: [0, 16]
//   num_thresholds: 1
//   decision_values: [0, 1, 2, 3]
//   transform_type: func_substitute
// }
void select_documents(int64_t *keep, int64_t n_docs) {
  for (int64_t d = 0; d < n_docs; d++)
    keep[d] = 1;
}

static void select_with_probability(int64_t *keep, int64_t n_docs, double skip) {
  for (int64_t d = 0; d < n_docs; d++)
    keep[d] = approx_rt_uniform() < skip ? 0 : 1;
}

/* Variants 1-3 of `select_documents`: skip 15, 30 and 50 % of the corpus. */
void approx_select_documents_1(int64_t *keep, int64_t n_docs) { select_with_probability(keep, n_docs, 0.15); }
void approx_select_documents_2(int64_t *keep, int64_t n_docs) { select_with_probability(keep, n_docs, 0.30); }
void approx_select_documents_3(int64_t *keep, int64_t n_docs) { select_with_probability(keep, n_docs, 0.50); }

/* The slot of `key` in the table (keys, counts, last document at offsets
 * 0, TABLE_SLOTS, 2 * TABLE_SLOTS); inserts the key when absent. Key 0 marks
 * an empty slot, so a hash of 0 is stored as 1. */
static int64_t table_slot(int64_t *table, int64_t key) {
  int64_t slot = key & TABLE_MASK;
  while (table[slot] != 0 && table[slot] != key)
    slot = (slot + 1) & TABLE_MASK;
  if (table[slot] == 0) {
    table[slot] = key;
    table[TABLE_SLOTS + slot] = 0;
    table[2 * TABLE_SLOTS + slot] = -1;
  }
  return slot;
}

static int64_t table_key(int64_t hash) { return hash == 0 ? 1 : hash; }

/* Adds the BM25 contribution of one term (idf, hash) to document d. */
static void add_term_score(const int64_t *tokens, const int64_t *token_offsets, int64_t d, int64_t term, double idf,
                           double avgdl, double *scores) {
    int64_t tf = 0;
    for (int64_t t = token_offsets[d]; t < token_offsets[d + 1]; t++)
      tf += tokens[t] == term ? 1 : 0;
    if (tf > 0) {
      double length = (double)(token_offsets[d + 1] - token_offsets[d]);
      double norm = BM25_K1 * (1.0 - BM25_B + BM25_B * length / avgdl);
      scores[d] += idf * ((double)tf * (BM25_K1 + 1.0)) / ((double)tf + norm);
    }
}

/* Adds the BM25 contribution of one term (idf, hash) to every document
 * that takes part. */
// @approx:decision_tree {
//   id: score_term
//   state_function: term_idf_state
//   threshold_range: [0, 100]
//   num_thresholds: 1
//   decision_values: [0, 1, 2]
//   transform_type: func_substitute
// }
void score_term(const int64_t *tokens, const int64_t *token_offsets, const int64_t *keep, int64_t n_docs,
                int64_t term, double idf, double avgdl, double *scores) {
  for (int64_t d = 0; d < n_docs; d++) {
    if (keep[d] == 0)
      continue;
    add_term_score(tokens, token_offsets, d, term, idf, avgdl, scores);
  }
}

static void score_term_skipping(const int64_t *tokens, const int64_t *token_offsets, const int64_t *keep,
                                int64_t n_docs, int64_t term, double idf, double avgdl, double *scores,
                                double skip) {
  for (int64_t d = 0; d < n_docs; d++) {
    if (keep[d] == 0 || approx_rt_uniform() < skip)
      continue;
    add_term_score(tokens, token_offsets, d, term, idf, avgdl, scores);
  }
}

/* Variants 1 and 2 of `score_term`: skip each document with probability 10
 * and 20 %. */
void approx_score_term_1(const int64_t *tokens, const int64_t *token_offsets, const int64_t *keep, int64_t n_docs,
                         int64_t term, double idf, double avgdl, double *scores) {
  score_term_skipping(tokens, token_offsets, keep, n_docs, term, idf, avgdl, scores, 0.10);
}

void approx_score_term_2(const int64_t *tokens, const int64_t *token_offsets, const int64_t *keep, int64_t n_docs,
                         int64_t term, double idf, double avgdl, double *scores) {
  score_term_skipping(tokens, token_offsets, keep, n_docs, term, idf, avgdl, scores, 0.20);
}

void bm25(const uint8_t *text, const int64_t *doc_offsets, int64_t n_docs, const uint8_t *query,
          int64_t query_len, int64_t *tokens, int64_t *token_offsets, int64_t *keep, int64_t *table,
          int64_t *query_terms, double *scores) {
  /* The query's distinct terms. */
  g_text_length = query_len;
  int64_t n_query = preprocess(query, 0, query_len, query_terms, 0);
  int64_t n_terms = 0;
  for (int64_t i = 0; i < n_query; i++) {
    int64_t seen = 0;
    for (int64_t j = 0; j < n_terms; j++)
      seen = query_terms[j] == query_terms[i] ? 1 : seen;
    if (seen == 0) {
      query_terms[n_terms] = query_terms[i];
      n_terms++;
    }
  }

  g_query_terms = n_terms;
  select_documents(keep, n_docs);

  /* Preprocess the documents that take part and count document
   * frequencies: a document counts once per distinct word. */
  for (int64_t s = 0; s < 3 * TABLE_SLOTS; s++)
    table[s] = 0;
  int64_t total = 0;
  int64_t kept = 0;
  for (int64_t d = 0; d < n_docs; d++) {
    token_offsets[d] = total;
    scores[d] = keep[d] != 0 ? 0.0 : -1.0;
    if (keep[d] == 0)
      continue;
    g_text_length = doc_offsets[d + 1] - doc_offsets[d];
    int64_t count = preprocess(text, doc_offsets[d], doc_offsets[d + 1], tokens, total);
    for (int64_t t = total; t < total + count; t++) {
      int64_t slot = table_slot(table, table_key(tokens[t]));
      if (table[2 * TABLE_SLOTS + slot] != d) {
        table[2 * TABLE_SLOTS + slot] = d;
        table[TABLE_SLOTS + slot] += 1;
      }
    }
    total += count;
    kept++;
  }
  token_offsets[n_docs] = total;
  if (kept == 0)
    return;
  double avgdl = (double)total / (double)kept;
  if (avgdl <= 0.0)
    avgdl = 1.0;

  for (int64_t q = 0; q < n_terms; q++) {
    int64_t slot = table_slot(table, table_key(query_terms[q]));
    double df = (double)table[TABLE_SLOTS + slot];
    if (df == 0.0)
      continue;
    g_term_idf = log(1.0 + ((double)kept - df + 0.5) / (df + 0.5));
    score_term(tokens, token_offsets, keep, n_docs, query_terms[q], g_term_idf, avgdl, scores);
  }
}
