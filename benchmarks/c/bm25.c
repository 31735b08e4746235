/* Okapi BM25 ranking of a text corpus for one query, with the knobs of the
 * ApproxMLIR paper, Appendix B.3, and a prefilter of this project's.
 *
 * Entry point (exported; driver: approxbench/bm25.py):
 *
 *   void bm25(const uint8_t *text, const int64_t *doc_offsets, int64_t n_docs,
 *             const uint8_t *query, int64_t query_len,
 *             int64_t *tokens, int64_t *lengths, int64_t *keep,
 *             int64_t *table, int64_t table_slots, int64_t *query_terms,
 *             int64_t *term_info, int64_t *tf, double *scores);
 *
 *   text          the corpus, UTF-8 bytes of every document back to back
 *   doc_offsets   n_docs + 1 byte offsets: document d is
 *                 text[doc_offsets[d] .. doc_offsets[d + 1])
 *   query         the query's bytes (query_len of them)
 *   tokens        scratch, >= the longest document's length / 2 + 1 (every
 *                 token is at least one byte followed by a boundary)
 *   lengths       scratch, n_docs: each document's length in tokens
 *   keep          scratch, n_docs: how each document takes part (KEEP_*)
 *   table         scratch, 2 * table_slots: the query terms' hash table
 *   table_slots   a power of two > 2 * (query_len / 2 + 1)
 *   query_terms   scratch, >= query_len / 2 + 1 (the most words a query of
 *                 query_len bytes has: MAX_TERMS below)
 *   term_info     scratch, INFO_FIELDS * (query_len / 2 + 1)
 *   tf            scratch, n_docs * (query_len / 2 + 1): term frequencies
 *   scores        output, n_docs: the BM25 score of every document that takes
 *                 part (>= 0; 0 for a document the prefilter screened out),
 *                 -1 for the documents the corpus-subsetting knob skipped
 *
 * Every run does the whole job, as the paper's kernel does: preprocess the
 * query and the corpus (lowercase, split into alphanumeric words, hash each
 * word with 64-bit FNV-1a), count each query term's document frequency and
 * its frequency in each document, then score each document for each
 * distinct query term: idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * |d| /
 * avgdl)), idf = ln(1 + (N - df + 0.5) / (df + 0.5)), k1 = 1.2, b = 0.75.
 *
 * The exact path is the best exact one this kernel has: one pass over the
 * corpus hashes each document's words and looks each up in a small hash
 * table of the query's terms (L1-resident), counting the query terms'
 * frequencies; no table of every word's document frequency (ranking one
 * query needs only the query terms'), and scoring reads the counts, so a
 * document sharing no query term costs only its preprocessing.
 *
 * Knobs (paper, Appendix B.3, and (b)'s variants 4-6). The state functions
 * read static globals that the kernel writes right before each knob's call
 * (single-threaded kernel).
 *
 * (a) `preprocess` - text preprocessing, function substitution, state
 *     `document_length_state` (the length of the text being preprocessed in
 *     units of 16 bytes, clamped to 0..100: long documents are where the
 *     time goes). Variant 1 lowercases only the first character of each word
 *     and splits at spaces only, so punctuation stays attached to words
 *     ("physics." is not "physics").
 * (b) `select_documents` - corpus subsetting, function substitution, state
 *     `query_terms_state` (the number of distinct query terms). Variants 1,
 *     2, 3 (the paper's) skip each document with probability 15, 30 and 50 %
 *     (runtime PRNG); skipped documents are neither preprocessed nor
 *     counted. Variants 4, 5, 6 are the rare-term prefilter (below) with
 *     ratio 0.5, 0.75 and 1 (more screening terms for a smaller ratio: more
 *     documents scored, fewer lost).
 * (c) `score_term` - term scoring, function substitution, state
 *     `term_idf_state` (the term's IDF times 10, clamped to 0..100: skipping
 *     documents for a common term loses little). Variants 1 and 2 skip each
 *     document with probability 10 and 20 %.
 *
 * The rare-term prefilter. A document that contains none of the query's
 * rare terms seldom reaches the top of the ranking, and finding out that it
 * contains none is much cheaper than preprocessing it: a scan of its bytes
 * for each term's rarest pair of letters (two table lookups per byte, no
 * hashing), a comparison where one occurs. The prefilter preprocesses a
 * sample (every SAMPLE_STRIDE-th document), estimates the query terms'
 * IDFs from their document frequencies there, and takes screening terms,
 * the rarest first, until the other terms' IDFs add up to at most the
 * variant's ratio times the rarest term's (a document holding none of the
 * screening terms then scores about as much as one holding only the rarest
 * term once, at best). Then it scans every document: one that contains a
 * screening term as a word is preprocessed and scored, one that contains
 * none is screened out (score 0, not preprocessed; it shares a query term
 * or not, the scan does not say). The statistics stay nearly exact: a
 * screening term's document frequency is exact (every document containing
 * it is preprocessed), the other terms' frequencies in the screened
 * documents and the screened documents' lengths in tokens are estimated
 * from the sample's documents without a screening term (KEEP_BASIS: they
 * have the screened documents' distribution; lengths from bytes x tokens
 * per byte), so the scored documents' scores move a little. What is lost:
 * a document that would rank high on the query's common terms alone.
 */
#include <math.h>
#include <stdint.h>

#include "approx/runtime.h"

#define BM25_K1 1.2
#define BM25_B 0.75
#define FNV_OFFSET 14695981039346656037ULL
#define FNV_PRIME 1099511628211ULL

/* How a document takes part (keep[d]). */
#define KEEP_SKIPPED 0   /* not at all (corpus subsetting): score -1 */
#define KEEP_SCORED 1    /* preprocessed, counted, scored */
#define KEEP_SCREENED 2  /* screened out by the prefilter: score 0, statistics estimated */
#define KEEP_BASIS 3     /* as KEEP_SCORED, and a sample document without a screening term */

/* term_info: INFO_FIELDS fields of MAX_TERMS entries each. */
#define INFO_FIELDS 6
#define INFO_DF 0          /* document frequency among the preprocessed documents */
#define INFO_BASIS_DF 1    /* ... among the KEEP_BASIS documents */
#define INFO_SAMPLE_DF 2   /* ... in the prefilter's sample */
#define INFO_WORD_BEGIN 3  /* the term's first occurrence in the query: byte offsets */
#define INFO_WORD_END 4
#define INFO_SCREEN 5      /* 1 for a screening term */

#define SAMPLE_STRIDE 16
#define MAX_SCREENING 16

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

/* The query-term table: keys at [0, slots), the term's index at
 * [slots, 2 * slots). Key 0 marks an empty slot, so a hash of 0 is stored
 * as 1. */
static int64_t table_key(int64_t hash) { return hash == 0 ? 1 : hash; }

/* The index of the query term with this hash, -1 for any other word. */
static int64_t query_term_index(const int64_t *table, int64_t slots, int64_t hash) {
  int64_t key = table_key(hash);
  int64_t slot = key & (slots - 1);
  while (table[slot] != 0 && table[slot] != key)
    slot = (slot + 1) & (slots - 1);
  return table[slot] == key ? table[slots + slot] : -1;
}

static void insert_query_term(int64_t *table, int64_t slots, int64_t hash, int64_t index) {
  int64_t key = table_key(hash);
  int64_t slot = key & (slots - 1);
  while (table[slot] != 0 && table[slot] != key)
    slot = (slot + 1) & (slots - 1);
  table[slot] = key;
  table[slots + slot] = index;
}

/* Marks which documents take part: all of them. */
// @approx:decision_tree {
//   id: select_documents
//   state_function: query_terms_state
//   threshold_range: [0, 16]
//   num_thresholds: 1
//   decision_values: [0, 1, 2, 3, 4, 5, 6]
//   transform_type: func_substitute
// }
void select_documents(const uint8_t *text, const int64_t *doc_offsets, int64_t n_docs, const uint8_t *query,
                      int64_t query_len, const int64_t *table, int64_t table_slots, int64_t n_terms,
                      int64_t *tokens, int64_t *term_info, int64_t *keep) {
  for (int64_t d = 0; d < n_docs; d++)
    keep[d] = KEEP_SCORED;
}

static void select_with_probability(int64_t *keep, int64_t n_docs, double skip) {
  for (int64_t d = 0; d < n_docs; d++)
    keep[d] = approx_rt_uniform() < skip ? KEEP_SKIPPED : KEEP_SCORED;
}

/* Variants 1-3 of `select_documents`: skip 15, 30 and 50 % of the corpus. */
void approx_select_documents_1(const uint8_t *text, const int64_t *doc_offsets, int64_t n_docs,
                               const uint8_t *query, int64_t query_len, const int64_t *table, int64_t table_slots,
                               int64_t n_terms, int64_t *tokens, int64_t *term_info, int64_t *keep) {
  select_with_probability(keep, n_docs, 0.15);
}

void approx_select_documents_2(const uint8_t *text, const int64_t *doc_offsets, int64_t n_docs,
                               const uint8_t *query, int64_t query_len, const int64_t *table, int64_t table_slots,
                               int64_t n_terms, int64_t *tokens, int64_t *term_info, int64_t *keep) {
  select_with_probability(keep, n_docs, 0.30);
}

void approx_select_documents_3(const uint8_t *text, const int64_t *doc_offsets, int64_t n_docs,
                               const uint8_t *query, int64_t query_len, const int64_t *table, int64_t table_slots,
                               int64_t n_terms, int64_t *tokens, int64_t *term_info, int64_t *keep) {
  select_with_probability(keep, n_docs, 0.50);
}

/* 1 when text[i, i + length) is the query word query[word, word + length)
 * (lowercase) as a whole word of text[begin, end), ASCII case ignored. */
static int64_t word_at(const uint8_t *text, int64_t begin, int64_t end, int64_t i, const uint8_t *query,
                       int64_t word, int64_t length) {
  if (i + length > end || (i > begin && is_word_byte(text[i - 1])) ||
      (i + length < end && is_word_byte(text[i + length])))
    return 0;
  int64_t same = 1;
  for (int64_t k = 0; k < length; k++)
    same = to_lower(text[i + k]) == query[word + k] ? same : 0;
  return same;
}

/* English letter frequencies (per mille, a..z): a screening term is
 * anchored at its rarest pair of bytes, so the scan stops at few bytes. */
static const int64_t LETTER_FREQUENCY[26] = {82, 15, 28, 43, 127, 22, 20, 61, 70, 2,  8, 40, 24,
                                             67, 75, 19, 1,  60, 63,  91, 28, 10, 24, 2, 20, 1};

static int64_t byte_frequency(uint8_t c) {
  if (c >= 'a' && c <= 'z')
    return LETTER_FREQUENCY[c - 'a'];
  return c >= '0' && c <= '9' ? 5 : 3;
}

/* 1 when text[begin, end) contains a screening term as a word. Screening
 * term k is query[words[k], words[k] + lengths[k]) (at least 2 bytes),
 * anchored at its bytes anchors[k] and anchors[k] + 1: firsts[c] and
 * seconds[c] have bit k set when those bytes are c (either case). The scan
 * looks at each byte once, with two table lookups, and compares the terms
 * only where an anchor pair occurs. */
static int64_t contains_screening_term(const uint8_t *text, int64_t begin, int64_t end, const uint8_t *query,
                                       const int64_t *firsts, const int64_t *seconds, const int64_t *words,
                                       const int64_t *lengths, const int64_t *anchors) {
  int64_t i = begin;
  int64_t found = 0;
  while (found == 0 && i + 1 < end) {
    while (i + 1 < end && (firsts[text[i]] & seconds[text[i + 1]]) == 0)
      i++;
    if (i + 1 < end) {
      int64_t mask = firsts[text[i]] & seconds[text[i + 1]];
      int64_t k = 0;
      while (mask != 0) {
        int64_t at = i - anchors[k];
        if ((mask & 1) != 0 && at >= begin && word_at(text, begin, end, at, query, words[k], lengths[k]) != 0)
          found = 1;
        mask = mask >> 1;
        k++;
      }
      i++;
    }
  }
  return found;
}

/* Adds 1 to the sample document frequency of each query term that document
 * text[begin, end) contains (`seen`: n_terms flags of scratch). */
static void count_sample_document(const uint8_t *text, int64_t begin, int64_t end, const int64_t *table,
                                  int64_t table_slots, int64_t *tokens, int64_t *term_info, int64_t max_terms,
                                  int64_t n_terms, int64_t *seen) {
  g_text_length = end - begin;
  int64_t count = preprocess(text, begin, end, tokens, 0);
  for (int64_t q = 0; q < n_terms; q++)
    seen[q] = 0;
  for (int64_t t = 0; t < count; t++) {
    int64_t q = query_term_index(table, table_slots, tokens[t]);
    if (q >= 0)
      seen[q] = 1;
  }
  for (int64_t q = 0; q < n_terms; q++)
    term_info[INFO_SAMPLE_DF * max_terms + q] += seen[q];
}

/* A term's IDF estimated from its document frequency in a sample of
 * `sample` of the n_docs documents. */
static double sample_idf(int64_t sample_df, int64_t sample, int64_t n_docs) {
  double df = ((double)sample_df + 0.5) * (double)n_docs / (double)sample;
  return log(1.0 + ((double)n_docs - df + 0.5) / (df + 0.5));
}

/* The rare-term prefilter (see the top of the file) with screening terms
 * chosen by `ratio` (below). */
static void select_by_rare_terms(const uint8_t *text, const int64_t *doc_offsets, int64_t n_docs,
                                 const uint8_t *query, int64_t query_len, const int64_t *table,
                                 int64_t table_slots, int64_t n_terms, int64_t *tokens, int64_t *term_info,
                                 int64_t *keep, double ratio) {
  int64_t max_terms = query_len / 2 + 1;
  /* Where each query term first occurs in the query (the exact tokenizer's
   * words; a term the query's preprocessing variant split differently has
   * none and cannot screen). */
  for (int64_t q = 0; q < n_terms; q++) {
    term_info[INFO_WORD_BEGIN * max_terms + q] = -1;
    term_info[INFO_WORD_END * max_terms + q] = -1;
    term_info[INFO_SAMPLE_DF * max_terms + q] = 0;
    term_info[INFO_SCREEN * max_terms + q] = 0;
  }
  int64_t i = 0;
  while (i < query_len) {
    while (i < query_len && is_word_byte(query[i]) == 0)
      i++;
    int64_t word = i;
    uint64_t hash = FNV_OFFSET;
    while (i < query_len && is_word_byte(query[i]) != 0) {
      hash = (hash ^ (uint64_t)to_lower(query[i])) * FNV_PRIME;
      i++;
    }
    if (i > word) {
      int64_t q = query_term_index(table, table_slots, (int64_t)hash);
      if (q >= 0 && term_info[INFO_WORD_BEGIN * max_terms + q] < 0) {
        term_info[INFO_WORD_BEGIN * max_terms + q] = word;
        term_info[INFO_WORD_END * max_terms + q] = i;
      }
    }
  }
  /* Document frequencies in the sample (`tokens` beyond the longest
   * document's tokens holds a flag per query term: the driver sizes it). */
  int64_t sample = 0;
  int64_t flags = 0;
  for (int64_t d = 0; d < n_docs; d++) {
    int64_t length = doc_offsets[d + 1] - doc_offsets[d];
    flags = length / 2 + 1 > flags ? length / 2 + 1 : flags;
  }
  for (int64_t d = 0; d < n_docs; d += SAMPLE_STRIDE) {
    count_sample_document(text, doc_offsets[d], doc_offsets[d + 1], table, table_slots, tokens, term_info,
                          max_terms, n_terms, tokens + flags);
    sample++;
  }
  /* The screening terms, the rarest in the sample first, until the other
   * terms' IDFs (estimated from the sample) add up to at most `ratio` times
   * the rarest term's: a document holding only those then scores about as
   * much as one holding the rarest term once and nothing else, so the top
   * of the ranking holds screening terms. Terms of one letter (and any the
   * query's preprocessing split differently) cannot screen; their IDFs
   * count among the others'. */
  double others = 0.0;
  for (int64_t q = 0; q < n_terms; q++)
    others += sample_idf(term_info[INFO_SAMPLE_DF * max_terms + q], sample, n_docs);
  int64_t firsts[256];
  int64_t seconds[256];
  int64_t words[MAX_SCREENING];
  int64_t lengths[MAX_SCREENING];
  int64_t anchors[MAX_SCREENING];
  for (int64_t c = 0; c < 256; c++) {
    firsts[c] = 0;
    seconds[c] = 0;
  }
  int64_t screening = 0;
  double rarest_idf = 0.0;
  int64_t more = 1;
  while (more != 0 && screening < MAX_SCREENING) {
    int64_t next = -1;
    for (int64_t q = 0; q < n_terms; q++) {
      int64_t word = term_info[INFO_WORD_BEGIN * max_terms + q];
      int64_t length = term_info[INFO_WORD_END * max_terms + q] - word;
      if (word >= 0 && length >= 2 && term_info[INFO_SCREEN * max_terms + q] == 0 &&
          (next < 0 || term_info[INFO_SAMPLE_DF * max_terms + q] < term_info[INFO_SAMPLE_DF * max_terms + next]))
        next = q;
    }
    if (next < 0 || (screening > 0 && others <= ratio * rarest_idf)) {
      more = 0;
    } else {
      double idf = sample_idf(term_info[INFO_SAMPLE_DF * max_terms + next], sample, n_docs);
      rarest_idf = screening == 0 ? idf : rarest_idf;
      others -= idf;
      term_info[INFO_SCREEN * max_terms + next] = 1;
      int64_t word = term_info[INFO_WORD_BEGIN * max_terms + next];
      int64_t length = term_info[INFO_WORD_END * max_terms + next] - word;
      words[screening] = word;
      lengths[screening] = length;
      /* The anchor: the rarest pair of adjacent bytes. */
      int64_t anchor = 0;
      for (int64_t k = 1; k + 1 < length; k++)
        anchor = byte_frequency(query[word + k]) * byte_frequency(query[word + k + 1]) <
                         byte_frequency(query[word + anchor]) * byte_frequency(query[word + anchor + 1])
                     ? k
                     : anchor;
      anchors[screening] = anchor;
      int64_t bit = (int64_t)1 << screening;
      uint8_t c = query[word + anchor];
      uint8_t following = query[word + anchor + 1];
      firsts[c] |= bit;
      seconds[following] |= bit;
      if (c >= 'a' && c <= 'z')
        firsts[c - 32] |= bit;
      if (following >= 'a' && following <= 'z')
        seconds[following - 32] |= bit;
      screening++;
    }
  }
  if (screening == 0) {
    /* No term to screen by (a query of one-letter words): every document
     * takes part. */
    for (int64_t d = 0; d < n_docs; d++)
      keep[d] = KEEP_SCORED;
    return;
  }
  /* Every document: a sample document without a screening term is a basis
   * document, any other without one is screened out. */
  for (int64_t d = 0; d < n_docs; d++) {
    int64_t found =
        contains_screening_term(text, doc_offsets[d], doc_offsets[d + 1], query, firsts, seconds, words, lengths,
                                anchors);
    keep[d] = found != 0 ? KEEP_SCORED : (d % SAMPLE_STRIDE == 0 ? KEEP_BASIS : KEEP_SCREENED);
  }
}

/* Variants 4-6 of `select_documents`: the rare-term prefilter with the
 * query terms at or under 4, 2 and 1 % of the sample as screening terms. */
void approx_select_documents_4(const uint8_t *text, const int64_t *doc_offsets, int64_t n_docs,
                               const uint8_t *query, int64_t query_len, const int64_t *table, int64_t table_slots,
                               int64_t n_terms, int64_t *tokens, int64_t *term_info, int64_t *keep) {
  select_by_rare_terms(text, doc_offsets, n_docs, query, query_len, table, table_slots, n_terms, tokens, term_info,
                       keep, 0.5);
}

void approx_select_documents_5(const uint8_t *text, const int64_t *doc_offsets, int64_t n_docs,
                               const uint8_t *query, int64_t query_len, const int64_t *table, int64_t table_slots,
                               int64_t n_terms, int64_t *tokens, int64_t *term_info, int64_t *keep) {
  select_by_rare_terms(text, doc_offsets, n_docs, query, query_len, table, table_slots, n_terms, tokens, term_info,
                       keep, 0.75);
}

void approx_select_documents_6(const uint8_t *text, const int64_t *doc_offsets, int64_t n_docs,
                               const uint8_t *query, int64_t query_len, const int64_t *table, int64_t table_slots,
                               int64_t n_terms, int64_t *tokens, int64_t *term_info, int64_t *keep) {
  select_by_rare_terms(text, doc_offsets, n_docs, query, query_len, table, table_slots, n_terms, tokens, term_info,
                       keep, 1.0);
}

/* Adds the BM25 contribution of query term q (its idf) to document d. */
static void add_term_score(const int64_t *tf, const int64_t *lengths, int64_t d, int64_t n_terms, int64_t q,
                           double idf, double avgdl, double *scores) {
  int64_t count = tf[d * n_terms + q];
  if (count > 0) {
    double norm = BM25_K1 * (1.0 - BM25_B + BM25_B * (double)lengths[d] / avgdl);
    scores[d] += idf * ((double)count * (BM25_K1 + 1.0)) / ((double)count + norm);
  }
}

/* Adds the BM25 contribution of query term q (its idf) to every document
 * that was preprocessed. */
// @approx:decision_tree {
//   id: score_term
//   state_function: term_idf_state
//   threshold_range: [0, 100]
//   num_thresholds: 1
//   decision_values: [0, 1, 2]
//   transform_type: func_substitute
// }
void score_term(const int64_t *tf, const int64_t *lengths, const int64_t *keep, int64_t n_docs, int64_t n_terms,
                int64_t q, double idf, double avgdl, double *scores) {
  for (int64_t d = 0; d < n_docs; d++) {
    if (keep[d] == KEEP_SCORED || keep[d] == KEEP_BASIS)
      add_term_score(tf, lengths, d, n_terms, q, idf, avgdl, scores);
  }
}

static void score_term_skipping(const int64_t *tf, const int64_t *lengths, const int64_t *keep, int64_t n_docs,
                                int64_t n_terms, int64_t q, double idf, double avgdl, double *scores, double skip) {
  for (int64_t d = 0; d < n_docs; d++) {
    if ((keep[d] != KEEP_SCORED && keep[d] != KEEP_BASIS) || approx_rt_uniform() < skip)
      continue;
    add_term_score(tf, lengths, d, n_terms, q, idf, avgdl, scores);
  }
}

/* Variants 1 and 2 of `score_term`: skip each document with probability 10
 * and 20 %. */
void approx_score_term_1(const int64_t *tf, const int64_t *lengths, const int64_t *keep, int64_t n_docs,
                         int64_t n_terms, int64_t q, double idf, double avgdl, double *scores) {
  score_term_skipping(tf, lengths, keep, n_docs, n_terms, q, idf, avgdl, scores, 0.10);
}

void approx_score_term_2(const int64_t *tf, const int64_t *lengths, const int64_t *keep, int64_t n_docs,
                         int64_t n_terms, int64_t q, double idf, double avgdl, double *scores) {
  score_term_skipping(tf, lengths, keep, n_docs, n_terms, q, idf, avgdl, scores, 0.20);
}

void bm25(const uint8_t *text, const int64_t *doc_offsets, int64_t n_docs, const uint8_t *query,
          int64_t query_len, int64_t *tokens, int64_t *lengths, int64_t *keep, int64_t *table, int64_t table_slots,
          int64_t *query_terms, int64_t *term_info, int64_t *tf, double *scores) {
  int64_t max_terms = query_len / 2 + 1;
  /* The query's distinct terms, and their table. */
  g_text_length = query_len;
  int64_t n_query = preprocess(query, 0, query_len, query_terms, 0);
  for (int64_t s = 0; s < 2 * table_slots; s++)
    table[s] = 0;
  int64_t n_terms = 0;
  for (int64_t i = 0; i < n_query; i++) {
    if (query_term_index(table, table_slots, query_terms[i]) < 0) {
      insert_query_term(table, table_slots, query_terms[i], n_terms);
      query_terms[n_terms] = query_terms[i];
      n_terms++;
    }
  }

  g_query_terms = n_terms;
  select_documents(text, doc_offsets, n_docs, query, query_len, table, table_slots, n_terms, tokens, term_info,
                   keep);

  /* Preprocess the documents that take part, counting the query terms'
   * frequencies and document frequencies. */
  for (int64_t q = 0; q < n_terms; q++) {
    term_info[INFO_DF * max_terms + q] = 0;
    term_info[INFO_BASIS_DF * max_terms + q] = 0;
  }
  int64_t total = 0;
  int64_t counted = 0;
  int64_t screened = 0;
  int64_t screened_bytes = 0;
  int64_t basis = 0;
  int64_t basis_tokens = 0;
  int64_t basis_bytes = 0;
  for (int64_t d = 0; d < n_docs; d++) {
    scores[d] = keep[d] == KEEP_SKIPPED ? -1.0 : 0.0;
    lengths[d] = 0;
    for (int64_t q = 0; q < n_terms; q++)
      tf[d * n_terms + q] = 0;
    if (keep[d] == KEEP_SKIPPED)
      continue;
    int64_t bytes = doc_offsets[d + 1] - doc_offsets[d];
    if (keep[d] == KEEP_SCREENED) {
      screened++;
      screened_bytes += bytes;
      continue;
    }
    g_text_length = bytes;
    int64_t count = preprocess(text, doc_offsets[d], doc_offsets[d + 1], tokens, 0);
    for (int64_t t = 0; t < count; t++) {
      int64_t q = query_term_index(table, table_slots, tokens[t]);
      if (q >= 0) {
        if (tf[d * n_terms + q] == 0) {
          term_info[INFO_DF * max_terms + q] += 1;
          term_info[INFO_BASIS_DF * max_terms + q] += keep[d] == KEEP_BASIS ? 1 : 0;
        }
        tf[d * n_terms + q] += 1;
      }
    }
    lengths[d] = count;
    total += count;
    counted++;
    if (keep[d] == KEEP_BASIS) {
      basis++;
      basis_tokens += count;
      basis_bytes += bytes;
    }
  }
  if (counted == 0)
    return;
  /* The screened documents' share of the statistics, estimated from the
   * basis documents (none in the exact path). */
  double documents = (double)(counted + screened);
  double tokens_total = (double)total;
  if (screened > 0 && basis > 0 && basis_bytes > 0)
    tokens_total += (double)screened_bytes * (double)basis_tokens / (double)basis_bytes;
  double avgdl = tokens_total / documents;
  if (avgdl <= 0.0)
    avgdl = 1.0;

  for (int64_t q = 0; q < n_terms; q++) {
    double df = (double)term_info[INFO_DF * max_terms + q];
    if (df == 0.0)
      continue;
    if (screened > 0 && basis > 0)
      df += (double)screened * (double)term_info[INFO_BASIS_DF * max_terms + q] / (double)basis;
    g_term_idf = log(1.0 + (documents - df + 0.5) / (df + 0.5));
    score_term(tf, lengths, keep, n_docs, n_terms, q, g_term_idf, avgdl, scores);
  }
}
