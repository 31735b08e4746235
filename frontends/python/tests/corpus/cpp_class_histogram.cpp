// A class with data members and non-virtual member functions: a histogram
// with a fixed bin array, const methods (total, mode, quantile), methods
// calling other methods, explicit `this->` accesses, mutating methods, brace
// aggregate initialization (no constructors) and objects passed by reference.
#include <cmath>
#include <cstdint>

namespace {

class Histogram {
 public:
  double lo, hi;
  int64_t bins[16];
  int64_t under, over;

  int bin_of(double x) const { return static_cast<int>(std::floor((x - lo) / width())); }
  double width() const { return (this->hi - this->lo) / 16.0; }

  void add(double x) {
    if (x < lo) {
      under++;
    } else if (x >= hi) {
      this->over += 1;
    } else {
      bins[bin_of(x)] += 1;
    }
  }

  int64_t total() const {
    int64_t t = under + over;
    for (int b = 0; b < 16; b++) t += bins[b];
    return t;
  }

  int mode() const {
    int best = 0;
    for (int b = 1; b < 16; b++)
      if (bins[b] > bins[best]) best = b;
    return best;
  }

  double center(int b) const { return lo + (b + 0.5) * width(); }

  double quantile(double q) const {
    int64_t target = static_cast<int64_t>(q * static_cast<double>(total() - under - over));
    int64_t seen = 0;
    for (int b = 0; b < 16; b++) {
      seen += bins[b];
      if (seen > target) return center(b);
    }
    return hi;
  }

  void merge(const Histogram &other) {
    for (int b = 0; b < 16; b++) bins[b] += other.bins[b];
    under += other.under;
    over += other.over;
  }
};

void fill(Histogram &h, int n, int64_t seed) {
  int64_t state = seed;
  for (int i = 0; i < n; i++) {
    state = (state * 48271) % 2147483647;
    double u = static_cast<double>(state) / 2147483647.0;
    h.add(-1.0 + 4.0 * u * u);
  }
}

}  // namespace

extern "C" void run(int64_t *iout, double *fout) {
  Histogram a = {-0.5, 2.5, {}, 0, 0};
  Histogram b = {-0.5, 2.5, {0}, 0, 0};
  fill(a, 500, 12345);
  fill(b, 300, 777);
  for (int k = 0; k < 16; k++) iout[k] = a.bins[k];
  iout[16] = a.under;
  iout[17] = a.over;
  iout[18] = a.total();
  iout[19] = a.mode();
  fout[0] = a.width();
  fout[1] = a.quantile(0.5);
  fout[2] = a.quantile(0.9);
  a.merge(b);
  iout[20] = a.total();
  iout[21] = a.mode();
  iout[22] = b.bin_of(1.3);
  fout[3] = a.quantile(0.25);
  fout[4] = b.center(b.mode());
}
