// Templates with int non-type parameters: fixed-size polynomial evaluation
// (Horner with the degree as a template argument), a blocked reduction with
// the block size as a parameter, a finite-difference derivative of order N
// calling the Horner template, and a template mixing a type and an int.
#include <cmath>
#include <cstdint>

namespace {

template <int Degree>
double horner(const double *c, double x) {
  double r = c[Degree];
  for (int k = Degree - 1; k >= 0; k--) r = r * x + c[k];
  return r;
}

template <int Block>
double blocked_sum(const double *x, int n) {
  double total = 0.0;
  for (int start = 0; start < n; start += Block) {
    double partial = 0.0;
    for (int i = start; i < start + Block && i < n; i++) partial += x[i];
    total += partial;
  }
  return total;
}

template <int Degree>
double derivative(const double *c, double x, double h) {
  return (horner<Degree>(c, x + h) - horner<Degree>(c, x - h)) / (2.0 * h);
}

template <typename T, int Stride>
T strided_sum(const T *x, int n) {
  T s = 0;
  for (int i = 0; i < n; i += Stride) s += x[i];
  return s;
}

template <int Modulus>
int64_t hash(const int64_t *x, int n) {
  int64_t h = 0;
  for (int i = 0; i < n; i++) h = (h * 257 + x[i] % Modulus + Modulus) % Modulus;
  return h;
}

}  // namespace

extern "C" void run(int64_t *iout, double *fout) {
  double c[8];
  for (int k = 0; k < 8; k++) c[k] = 1.0 / (k + 1) * (k % 2 ? -1.0 : 1.0);
  for (int i = 0; i < 5; i++) {
    double x = -1.0 + 0.45 * i;
    fout[i] = horner<3>(c, x);
    fout[5 + i] = horner<7>(c, x);
    fout[10 + i] = derivative<5>(c, x, 1e-3);
  }
  double v[40];
  for (int i = 0; i < 40; i++) v[i] = std::sin(0.3 * i) * (1.0 + 0.01 * i);
  fout[15] = blocked_sum<4>(v, 40);
  fout[16] = blocked_sum<7>(v, 40);
  fout[17] = blocked_sum<64>(v, 37);
  fout[18] = strided_sum<double, 3>(v, 40);
  int64_t w[30];
  for (int i = 0; i < 30; i++) w[i] = (i * i * 7 + 3) % 101 - 50;
  iout[0] = strided_sum<int64_t, 2>(w, 30);
  iout[1] = strided_sum<int64_t, 5>(w + 1, 29);
  iout[2] = hash<1000003>(w, 30);
  iout[3] = hash<97>(w, 30);
  iout[4] = hash<2>(w + 3, 20);
}
