// constexpr and const scalars (global and local), constexpr array bounds,
// `inline` helper functions, and a 1-D heat-equation stencil with a
// five-point kernel whose weights are constexpr locals.
#include <cstdint>

namespace {

constexpr int kCells = 48;
constexpr int kSteps = 30;
constexpr double kAlpha = 0.125;
const double kBoundary = 1.5;
constexpr int64_t kPrime = 1000003;

inline int wrap(int i) { return (i + kCells) % kCells; }

inline double lerp(double a, double b, double t) { return a + (b - a) * t; }

inline int64_t mix(int64_t h, int64_t v) { return (h * 131 + v) % kPrime; }

void heat_step(const double *u, double *next) {
  constexpr double w0 = 1.0 - 2.5 * kAlpha;
  constexpr double w1 = 4.0 * kAlpha / 3.0;
  constexpr double w2 = -kAlpha / 12.0;
  for (int i = 2; i < kCells - 2; i++)
    next[i] = w0 * u[i] + w1 * (u[i - 1] + u[i + 1]) + w2 * (u[i - 2] + u[i + 2]);
  next[0] = next[1] = kBoundary;
  next[kCells - 1] = next[kCells - 2] = 0.0;
}

double periodic_smooth(const double *u, int i) {
  const double third = 1.0 / 3.0;
  return third * (u[wrap(i - 1)] + u[i] + u[wrap(i + 1)]);
}

}  // namespace

extern "C" void run(int64_t *iout, double *fout) {
  double a[kCells], b[kCells];
  for (int i = 0; i < kCells; i++) a[i] = (i * 29 % kCells) < kCells / 2 ? 1.0 : 0.0;
  for (int s = 0; s < kSteps; s++) {
    heat_step(a, b);
    heat_step(b, a);
  }
  constexpr int stride = kCells / 16;
  for (int k = 0; k < 16; k++) fout[k] = a[k * stride];
  double mass = 0.0;
  for (int i = 0; i < kCells; i++) mass += a[i];
  fout[16] = mass;

  double s[kCells];
  for (int i = 0; i < kCells; i++) s[i] = periodic_smooth(a, i);
  for (int k = 0; k < 12; k++) fout[17 + k] = lerp(s[4 * k], a[4 * k], 0.25 * (k % 4));

  int64_t h = 7;
  for (int i = 0; i < kCells; i++) h = mix(h, static_cast<int64_t>(a[i] * 1000.0));
  iout[0] = h;
  iout[1] = kCells * kSteps;
  iout[2] = wrap(-1) + 100 * wrap(kCells);
  iout[3] = kPrime % 97;
}
