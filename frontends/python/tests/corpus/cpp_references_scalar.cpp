// References to scalars: `T &` out-parameters (running statistics updated
// in place, a swap, a divmod returning two results), `const T &` inputs,
// reference locals bound to array elements (`double &c = a[i]; c += ...`)
// and to other locals, and a reference passed on to another function.
#include <cstdint>

namespace {

void swap_values(double &a, double &b) {
  double t = a;
  a = b;
  b = t;
}

void welford(const double &x, int64_t &count, double &mean, double &m2) {
  count += 1;
  double delta = x - mean;
  mean += delta / static_cast<double>(count);
  m2 += delta * (x - mean);
}

void divmod(int64_t a, const int64_t &b, int64_t &quotient, int64_t &remainder) {
  quotient = a / b;
  remainder = a % b;
}

void bump(int64_t &counter, int by) { counter += by; }

void bump_twice(int64_t &counter) {
  bump(counter, 3);
  bump(counter, 4);
}

}  // namespace

extern "C" void run(int64_t *iout, double *fout) {
  double a[20];
  for (int i = 0; i < 20; i++) a[i] = ((i * 37 + 11) % 19) * 0.25 - 2.0;

  int64_t count = 0;
  double mean = 0.0, m2 = 0.0;
  for (int i = 0; i < 20; i++) welford(a[i], count, mean, m2);
  iout[0] = count;
  fout[0] = mean;
  fout[1] = m2 / static_cast<double>(count - 1);

  for (int i = 0; i < 20; i++) {
    double &c = a[i];
    c += 0.5 * i;
    if (c < 0.0) c = -c;
  }
  for (int i = 0; i + 1 < 20; i += 2)
    if (a[i] > a[i + 1]) swap_values(a[i], a[i + 1]);
  for (int i = 0; i < 20; i++) fout[2 + i] = a[i];

  double &first = a[0];
  double &last = a[19];
  swap_values(first, last);
  fout[22] = a[0];
  fout[23] = a[19];

  for (int64_t v = 1; v <= 12; v++) {
    int64_t q = 0, r = 0;
    divmod(v * 1001 - 7, v + 2, q, r);
    iout[v] = q * 100 + r;
  }

  int64_t counter = 5;
  int64_t &alias = counter;
  bump_twice(alias);
  bump(counter, -2);
  iout[13] = counter;
  iout[14] = alias * 2;

  double total = 0.0;
  for (int i = 0; i < 20; i++) {
    const double &x = a[i];
    total += x * x;
  }
  fout[24] = total;
}
