// Heap arrays: malloc and calloc of 1-D arrays with the count in elements
// and in bytes, a pointer-to-array temporary (the benchmark suites'
// `double (*B)[N][N] = malloc(sizeof *B)`), a 3-D calloc, arrays passed to
// functions and freed.
#include <stdint.h>
#include <stdlib.h>

#define N 6

static double dot(const double *a, const double *b, int n) {
  double s = 0.0;
  for (int i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

static void transpose(int n, double A[N][N], double B[N][N]) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) B[j][i] = A[i][j];
}

void run(int64_t *iout, double *fout) {
  int n = 37;
  double *x = malloc(n * sizeof(double));
  double *y = (double *)malloc(sizeof(double) * (size_t)n);
  int64_t *counts = calloc(n, sizeof *counts);
  for (int i = 0; i < n; i++) {
    x[i] = 0.25 * i - 3.0;
    y[i] = 1.0 / (i + 1);
    counts[(i * 7) % n] += i;
  }
  fout[0] = dot(x, y, n);
  fout[1] = dot(x + 5, y + 2, 10);
  int64_t total = 0;
  for (int i = 0; i < n; i++) total = (total * 3 + counts[i] % 11) % 1000003;
  iout[0] = total;

  double (*A)[N][N] = malloc(sizeof *A);
  double (*B)[N][N] = malloc(sizeof(double[N][N]));
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) (*A)[i][j] = i * 10 + j + 0.5;
  transpose(N, *A, *B);
  double trace = 0.0;
  for (int i = 0; i < N; i++) trace += (*B)[i][i] * (*B)[i][N - 1 - i];
  fout[2] = trace;
  fout[3] = (*B)[1][4] - (*A)[4][1];

  int64_t(*grid)[4][5] = calloc(3, sizeof *grid);
  for (int k = 0; k < 3; k++)
    for (int i = 0; i < 4; i++) grid[k][i][(k + i) % 5] = k * 100 + i;
  int64_t checksum = 0;
  for (int k = 0; k < 3; k++)
    for (int i = 0; i < 4; i++)
      for (int j = 0; j < 5; j++) checksum = (checksum * 7 + grid[k][i][j]) % 1000003;
  iout[1] = checksum;
  iout[2] = grid[2][3][0];

  char *bytes = calloc(16, 1);
  for (int i = 0; i < 16; i += 3) bytes[i] = (char)(i * 9);
  int64_t b = 0;
  for (int i = 0; i < 16; i++) b = b * 5 + bytes[i];
  iout[3] = b;

  free(bytes);
  free(grid);
  free(B);
  free(A);
  free(counts);
  free(y);
  free(x);
}
