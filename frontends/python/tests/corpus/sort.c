// Sorting: bubble sort with an early exit, insertion sort on doubles,
// selection sort on a slice (a + offset), a sortedness check, and a binary
// search that returns from inside its loop.
#include <stdbool.h>
#include <stdint.h>

static void bubble(int *a, int n) {
  for (int pass = 0; pass < n - 1; pass++) {
    bool swapped = false;
    for (int i = 0; i < n - 1 - pass; i++) {
      if (a[i] > a[i + 1]) {
        int t = a[i];
        a[i] = a[i + 1];
        a[i + 1] = t;
        swapped = true;
      }
    }
    if (!swapped) break;
  }
}

static void insertion(double *a, int n) {
  for (int i = 1; i < n; i++) {
    double key = a[i];
    int j = i - 1;
    while (j >= 0 && a[j] > key) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = key;
  }
}

static void selection(int *a, int n) {
  for (int i = 0; i < n; i++) {
    int m = i;
    for (int j = i + 1; j < n; j++)
      if (a[j] < a[m]) m = j;
    int t = a[i];
    a[i] = a[m];
    a[m] = t;
  }
}

static bool sorted(const int *a, int n) {
  for (int i = 1; i < n; i++)
    if (a[i - 1] > a[i]) return false;
  return true;
}

static int bsearch_int(const int *a, int n, int key) {
  int lo = 0, hi = n - 1;
  while (lo <= hi) {
    int mid = lo + (hi - lo) / 2;
    if (a[mid] == key) return mid;
    if (a[mid] < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return -(lo + 1);
}

void run(int64_t *iout, double *fout) {
  int a[48], b[48];
  double d[24];
  uint32_t s = 77u;
  for (int i = 0; i < 48; i++) {
    s = s * 1664525u + 1013904223u;
    a[i] = (int)(s >> 20) - 2048;
    b[i] = a[i];
  }
  for (int i = 0; i < 24; i++) d[i] = (a[i] % 97) * 0.37;

  iout[0] = sorted(a, 48);
  bubble(a, 48);
  iout[1] = sorted(a, 48);
  for (int i = 0; i < 8; i++) iout[2 + i] = a[i * 6];
  iout[10] = bsearch_int(a, 48, a[17]);
  iout[11] = bsearch_int(a, 48, 5000);
  iout[12] = bsearch_int(a, 48, -5000);

  selection(b + 10, 20);
  iout[13] = sorted(b + 10, 20) * 10 + sorted(b, 48);
  iout[14] = b[10] * 10000 + b[29];

  insertion(d, 24);
  for (int i = 0; i < 24; i++) fout[i] = d[i];
}
