// Sorting with templates and references: a swap template on `T &`, an
// insertion sort and a Shell sort instantiated for double and int64_t, a
// median-of-three pivot from `const T &` arguments, a binary search template, and a
// rank computation through an index array sorted by key.
#include <cstdint>

namespace {

template <typename T>
void swap_ref(T &a, T &b) {
  T t = a;
  a = b;
  b = t;
}

template <typename T>
void insertion_sort(T *x, int n) {
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && x[j] < x[j - 1]; j--) swap_ref(x[j], x[j - 1]);
}

template <typename T>
void shell_sort(T *x, int n) {
  for (int gap = n / 2; gap > 0; gap /= 2)
    for (int i = gap; i < n; i++) {
      T v = x[i];
      int j = i;
      for (; j >= gap && x[j - gap] > v; j -= gap) x[j] = x[j - gap];
      x[j] = v;
    }
}

template <typename T>
T median3(const T &a, const T &b, const T &c) {
  if (a < b) return b < c ? b : (a < c ? c : a);
  return a < c ? a : (b < c ? c : b);
}

template <typename T>
int lower_bound(const T *x, int n, T key) {
  int lo = 0, hi = n;
  while (lo < hi) {
    int mid = lo + (hi - lo) / 2;
    if (x[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

void sort_indices_by(const double *key, int *idx, int n) {
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && key[idx[j]] < key[idx[j - 1]]; j--) swap_ref(idx[j], idx[j - 1]);
}

}  // namespace

extern "C" void run(int64_t *iout, double *fout) {
  constexpr int n = 20;
  double d[n], key[n];
  int64_t v[n];
  int idx[n];
  for (int i = 0; i < n; i++) {
    d[i] = ((i * 71 + 13) % 37) * 0.5 - 4.0;
    key[i] = d[i] * ((i % 3) - 1.0) + 0.01 * i;
    v[i] = (i * i * 17 + 5) % 41 - 20;
    idx[i] = i;
  }
  insertion_sort(d, n);
  shell_sort(v, n);
  sort_indices_by(key, idx, n);
  for (int i = 0; i < n; i++) {
    fout[i] = d[i];
    iout[i] = v[i];
    iout[n + i] = idx[i];
  }
  fout[n] = median3(d[3], d[17], d[9]);
  iout[2 * n] = median3(v[12], v[2], v[7]);
  iout[2 * n + 1] = lower_bound(v, n, int64_t{0});
  iout[2 * n + 2] = lower_bound(d, n, 1.25);
  iout[2 * n + 3] = lower_bound<double>(d, n, -100.0) + 10 * lower_bound<double>(d, n, 100.0);
  double e[n];
  for (int i = 0; i < n; i++) e[i] = key[n - 1 - i];
  shell_sort<double>(e, n);
  for (int i = 0; i < 8; i++) fout[n + 1 + i] = e[i * 2] - key[idx[i * 2]];
}
