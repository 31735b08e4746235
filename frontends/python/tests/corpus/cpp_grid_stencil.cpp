// A 2-D Jacobi stencil on a struct holding the grid as a fixed 2-D array
// member, with const accessor methods, a method updating the grid from
// another grid passed by const reference, a residual method calling other
// methods, and two grids swapped by copying between steps.
#include <cmath>
#include <cstdint>

namespace {

constexpr int kN = 12;

struct Grid {
  double u[kN][kN];
  double h;

  double at(int i, int j) const { return u[i][j]; }
  void set(int i, int j, double v) { this->u[i][j] = v; }

  double laplacian(int i, int j) const {
    return (at(i - 1, j) + at(i + 1, j) + at(i, j - 1) + at(i, j + 1) - 4.0 * at(i, j)) / (h * h);
  }

  void jacobi_from(const Grid &old, const Grid &rhs) {
    for (int i = 1; i < kN - 1; i++)
      for (int j = 1; j < kN - 1; j++)
        set(i, j, 0.25 * (old.at(i - 1, j) + old.at(i + 1, j) + old.at(i, j - 1) + old.at(i, j + 1) -
                          h * h * rhs.at(i, j)));
  }

  double residual(const Grid &rhs) const {
    double r = 0.0;
    for (int i = 1; i < kN - 1; i++)
      for (int j = 1; j < kN - 1; j++) {
        double e = laplacian(i, j) - rhs.at(i, j);
        r += e * e;
      }
    return std::sqrt(r);
  }

  void fill(double value) {
    for (int i = 0; i < kN; i++)
      for (int j = 0; j < kN; j++) u[i][j] = value;
  }
};

}  // namespace

extern "C" void run(int64_t *iout, double *fout) {
  Grid a, b, rhs;
  a.h = b.h = rhs.h = 1.0 / (kN - 1);
  a.fill(0.0);
  rhs.fill(0.0);
  for (int i = 0; i < kN; i++) {
    a.set(0, i, 1.0);
    a.set(i, 0, 0.5 * i / (kN - 1));
  }
  for (int i = 2; i < kN - 2; i++) rhs.set(i, kN / 2, -3.0);
  b = a;
  fout[0] = a.residual(rhs);
  for (int it = 0; it < 40; it++) {
    b.jacobi_from(a, rhs);
    a.jacobi_from(b, rhs);
    if (it % 8 == 7) fout[1 + it / 8] = a.residual(rhs);
  }
  for (int k = 0; k < kN - 2; k++) {
    fout[6 + k] = a.at(k + 1, k + 1);
    fout[16 + k] = a.laplacian(k + 1, kN / 2);
  }
  int64_t positive = 0;
  for (int i = 0; i < kN; i++)
    for (int j = 0; j < kN; j++) positive += a.at(i, j) > 0.25;
  iout[0] = positive;
  iout[1] = static_cast<int64_t>(std::floor(1e6 * a.at(kN / 2, kN / 2)));
}
