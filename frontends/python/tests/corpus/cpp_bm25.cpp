// Retrieval scoring with BM25: a struct of corpus statistics passed by
// const reference, per-document records in an array of structs with member
// functions, an inline idf, overloaded score functions for one term and a
// whole query, and a top-3 selection kept in small arrays.
#include <cmath>
#include <cstdint>

namespace {

constexpr int kTerms = 10;
constexpr int kDocs = 14;

struct Stats {
  double avg_length;
  int64_t doc_freq[kTerms];
  double k1, b;
};

struct Doc {
  int64_t tf[kTerms];
  int64_t length;

  int64_t distinct() const {
    int64_t d = 0;
    for (int t = 0; t < kTerms; t++) d += tf[t] > 0;
    return d;
  }
};

inline double idf(const Stats &s, int term) {
  double df = static_cast<double>(s.doc_freq[term]);
  return std::log(1.0 + (kDocs - df + 0.5) / (df + 0.5));
}

double score(const Stats &s, const Doc &d, int term) {
  double f = static_cast<double>(d.tf[term]);
  double norm = s.k1 * (1.0 - s.b + s.b * static_cast<double>(d.length) / s.avg_length);
  return idf(s, term) * f * (s.k1 + 1.0) / (f + norm);
}

double score(const Stats &s, const Doc &d, const int *query, int n) {
  double total = 0.0;
  for (int q = 0; q < n; q++) total += score(s, d, query[q]);
  return total;
}

void push_top3(double value, int id, double *best, int *ids) {
  for (int k = 0; k < 3; k++)
    if (value > best[k]) {
      for (int m = 2; m > k; m--) {
        best[m] = best[m - 1];
        ids[m] = ids[m - 1];
      }
      best[k] = value;
      ids[k] = id;
      return;
    }
}

}  // namespace

extern "C" void run(int64_t *iout, double *fout) {
  Doc docs[kDocs];
  Stats stats = {0.0, {}, 1.2, 0.75};
  int64_t total_length = 0;
  for (int d = 0; d < kDocs; d++) {
    docs[d].length = 0;
    for (int t = 0; t < kTerms; t++) {
      int64_t tf = (d * 7 + t * 3 + d * t) % 5 - 1;
      docs[d].tf[t] = tf > 0 ? tf : 0;
      docs[d].length += docs[d].tf[t] + 1;
      stats.doc_freq[t] += docs[d].tf[t] > 0;
    }
    total_length += docs[d].length;
  }
  stats.avg_length = static_cast<double>(total_length) / kDocs;
  int query[3] = {1, 4, 7};
  double best[3] = {-1.0, -1.0, -1.0};
  int ids[3] = {-1, -1, -1};
  for (int d = 0; d < kDocs; d++) {
    fout[d] = score(stats, docs[d], query, 3);
    fout[kDocs + d] = score(stats, docs[d], 2);
    iout[d] = docs[d].distinct();
    push_top3(fout[d], d, best, ids);
  }
  for (int k = 0; k < 3; k++) {
    fout[2 * kDocs + k] = best[k];
    iout[kDocs + k] = ids[k];
  }
  for (int t = 0; t < kTerms; t++) fout[2 * kDocs + 3 + t] = idf(stats, t);
  fout[50] = stats.avg_length;
}
