// Overloaded functions for retrieval scoring: the same name by parameter
// type (int64_t, double, float), by count (two or three arguments), by
// pointer element type, and overloads calling each other, resolved at
// call sites with literals, casts and mixed arguments.
#include <cmath>
#include <cstdint>

namespace {

int64_t clamp(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : (v > hi ? hi : v); }
double clamp(double v, double lo, double hi) { return v < lo ? lo : (v > hi ? hi : v); }
double clamp(double v) { return clamp(v, 0.0, 1.0); }

double norm(double x, double y) { return std::sqrt(x * x + y * y); }
double norm(double x, double y, double z) { return std::sqrt(x * x + y * y + z * z); }
double norm(const double *v, int n) {
  double s = 0.0;
  for (int i = 0; i < n; i++) s += v[i] * v[i];
  return std::sqrt(s);
}

float scale(float x) { return x * 0.5f; }
double scale(double x) { return x * 0.25; }
int64_t scale(int64_t x) { return x * 3; }

double score(const double *q, const double *d, int n) {
  double dot = 0.0;
  for (int i = 0; i < n; i++) dot += q[i] * d[i];
  return dot / (norm(q, n) * norm(d, n));
}
int64_t score(const int64_t *q, const int64_t *d, int n) {
  int64_t overlap = 0;
  for (int i = 0; i < n; i++) overlap += q[i] < d[i] ? q[i] : d[i];
  return overlap;
}

}  // namespace

extern "C" void run(int64_t *iout, double *fout) {
  constexpr int dims = 8;
  double query[dims], docs[6][dims];
  int64_t qterms[dims], dterms[6][dims];
  for (int i = 0; i < dims; i++) {
    query[i] = ((i * 5 + 3) % 7) * 0.3;
    qterms[i] = (i * 3) % 4;
  }
  for (int d = 0; d < 6; d++)
    for (int i = 0; i < dims; i++) {
      docs[d][i] = ((d * 11 + i * 7) % 9) * 0.2 + 0.1;
      dterms[d][i] = (d + i * i) % 5;
    }
  for (int d = 0; d < 6; d++) {
    fout[d] = score(query, docs[d], dims);
    iout[d] = score(qterms, dterms[d], dims);
    fout[6 + d] = clamp(fout[d] * 1.5 - 0.4);
    iout[6 + d] = clamp(iout[d] * 2 - 5, int64_t{0}, int64_t{12});
  }
  fout[12] = norm(3.0, 4.0);
  fout[13] = norm(1.0, 2.0, 2.0);
  fout[14] = norm(query, dims);
  fout[15] = clamp(-2.5, -1.0, 1.0);
  fout[16] = scale(3.0f);
  fout[17] = scale(3.0);
  iout[12] = scale(int64_t{7});
  iout[13] = scale(static_cast<int64_t>(fout[12]));
  fout[18] = scale(static_cast<float>(fout[13])) + scale(fout[14]);
  int best = 0;
  for (int d = 1; d < 6; d++)
    if (fout[d] > fout[best]) best = d;
  iout[14] = best;
}
