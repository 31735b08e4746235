// Function templates over the element type: sum, dot, axpy and a mean that
// calls sum, instantiated for double, float and int64_t by deduction and by
// explicit arguments (`sum<float>(...)`, `convert<double>(x)`), a template
// with two type parameters, and templates calling templates.
#include <cstdint>

namespace {

template <typename T>
T sum(const T *x, int n) {
  T s = 0;
  for (int i = 0; i < n; i++) s += x[i];
  return s;
}

template <typename T>
T dot(const T *x, const T *y, int n) {
  T s = 0;
  for (int i = 0; i < n; i++) s += x[i] * y[i];
  return s;
}

template <typename T>
void axpy(T a, const T *x, T *y, int n) {
  for (int i = 0; i < n; i++) y[i] += a * x[i];
}

template <typename T>
double mean(const T *x, int n) {
  return static_cast<double>(sum(x, n)) / n;
}

template <typename To, typename From>
To convert(From x) {
  return static_cast<To>(x);
}

template <typename T>
T square(T x) {
  return x * x;
}

template <typename T>
T sum_of_squares(const T *x, int n) {
  T s = 0;
  for (int i = 0; i < n; i++) s += square(x[i]);
  return s;
}

}  // namespace

extern "C" void run(int64_t *iout, double *fout) {
  constexpr int n = 24;
  double xd[n], yd[n];
  float xf[n], yf[n];
  int64_t xi[n], yi[n];
  for (int i = 0; i < n; i++) {
    xd[i] = 0.125 * ((i * 7) % 11) - 0.5;
    yd[i] = 1.0 / (i + 2);
    xf[i] = static_cast<float>(xd[i]);
    yf[i] = 0.5f * static_cast<float>(i % 5);
    xi[i] = (i * 13 + 5) % 17 - 8;
    yi[i] = i % 4 + 1;
  }
  fout[0] = sum(xd, n);
  fout[1] = sum<float>(xf, n);
  iout[0] = sum(xi, n);
  fout[2] = dot(xd, yd, n);
  fout[3] = dot<float>(xf, yf, n);
  iout[1] = dot(xi, yi, n);
  fout[4] = mean(xd, n);
  fout[5] = mean<int64_t>(xi, n);
  fout[6] = mean(xf, n);
  axpy(0.75, xd, yd, n);
  axpy<float>(2.0f, xf, yf, n);
  axpy(int64_t{3}, xi, yi, n);
  for (int i = 0; i < 8; i++) {
    fout[7 + i] = yd[3 * i];
    fout[15 + i] = yf[3 * i];
    iout[2 + i] = yi[3 * i];
  }
  fout[23] = sum_of_squares(yd, n);
  fout[24] = sum_of_squares<float>(yf, n);
  iout[10] = sum_of_squares(yi, n);
  iout[11] = convert<int64_t>(fout[23] * 100.0);
  fout[25] = convert<double>(iout[10]) / 7.0;
  fout[26] = convert<float, double>(fout[2]);
  iout[12] = convert<int64_t, int>(square(-9));
}
