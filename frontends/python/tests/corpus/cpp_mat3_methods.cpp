// A 3x3 matrix struct with a 2-D array member and member functions: const
// methods (trace, determinant, row-times-vector), methods calling other
// methods, a mutating transpose and scaling through `this->`, matrices
// passed by const reference and results written through a `Mat3 &`
// out-parameter, struct copies, and a power iteration for the dominant
// eigenvalue.
#include <cmath>
#include <cstdint>

namespace {

struct Mat3 {
  double m[3][3];

  double trace() const { return m[0][0] + m[1][1] + m[2][2]; }
  double cofactor(int r0, int r1, int c0, int c1) const { return m[r0][c0] * m[r1][c1] - m[r0][c1] * m[r1][c0]; }
  double det() const {
    return m[0][0] * cofactor(1, 2, 1, 2) - m[0][1] * cofactor(1, 2, 0, 2) + m[0][2] * cofactor(1, 2, 0, 1);
  }
  double row_dot(int r, const double *v) const { return m[r][0] * v[0] + m[r][1] * v[1] + m[r][2] * v[2]; }
  void transpose() {
    for (int i = 0; i < 3; i++)
      for (int j = i + 1; j < 3; j++) {
        double t = this->m[i][j];
        this->m[i][j] = this->m[j][i];
        this->m[j][i] = t;
      }
  }
  void scale(double s) {
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) this->m[i][j] *= s;
  }
};

void multiply(const Mat3 &a, const Mat3 &b, Mat3 &c) {
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) {
      double s = 0.0;
      for (int k = 0; k < 3; k++) s += a.m[i][k] * b.m[k][j];
      c.m[i][j] = s;
    }
}

double dominant_eigenvalue(const Mat3 &a, int iterations) {
  double v[3] = {1.0, 1.0, 1.0}, w[3];
  double lambda = 0.0;
  for (int it = 0; it < iterations; it++) {
    for (int r = 0; r < 3; r++) w[r] = a.row_dot(r, v);
    double norm = std::sqrt(w[0] * w[0] + w[1] * w[1] + w[2] * w[2]);
    lambda = (v[0] * w[0] + v[1] * w[1] + v[2] * w[2]) / (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    for (int r = 0; r < 3; r++) v[r] = w[r] / norm;
  }
  return lambda;
}

}  // namespace

extern "C" void run(int64_t *iout, double *fout) {
  Mat3 a = {{{4.0, 1.0, 0.5}, {1.0, 3.0, 0.25}, {0.5, 0.25, 2.0}}};
  Mat3 b = {{{0.0, -1.0, 2.0}, {1.5, 0.0, 0.5}, {2.0, 1.0, -1.0}}};
  fout[0] = a.trace();
  fout[1] = a.det();
  fout[2] = b.det();
  Mat3 ab;
  multiply(a, b, ab);
  fout[3] = ab.det() - a.det() * b.det();
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) fout[4 + 3 * i + j] = ab.m[i][j];
  Mat3 bt = b;
  bt.transpose();
  Mat3 gram = {};
  multiply(bt, b, gram);
  fout[13] = gram.trace();
  fout[14] = dominant_eigenvalue(a, 60);
  fout[15] = dominant_eigenvalue(gram, 80);
  gram.scale(0.5);
  fout[16] = gram.det();
  Mat3 p = a;
  for (int k = 0; k < 5; k++) {
    Mat3 next;
    multiply(p, a, next);
    p = next;
    p.scale(1.0 / p.trace());
    fout[17 + k] = p.m[0][2] + p.m[2][0];
  }
  iout[0] = static_cast<int64_t>(std::floor(1e4 * fout[14]));
  iout[1] = static_cast<int64_t>(bt.m[0][2] * 10.0 + bt.m[2][0]);
}
