// A small matrix multiply (double 8x8, int 6x6) in ijk and ikj orders,
// transpose, trace and a matrix-vector product, with data from an LCG.
#include <stdint.h>

#define N 8
#define M 6

static uint32_t seed;

static double next_double(void) {
  seed = seed * 1664525u + 1013904223u;
  return (double)(seed >> 8) / 16777216.0 - 0.5;
}

static void matmul(double a[N][N], double b[N][N], double c[N][N]) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      double s = 0.0;
      for (int k = 0; k < N; k++) s += a[i][k] * b[k][j];
      c[i][j] = s;
    }
}

static void matmul_ikj(int a[M][M], int b[M][M], int64_t c[M][M]) {
  for (int i = 0; i < M; i++)
    for (int j = 0; j < M; j++) c[i][j] = 0;
  for (int i = 0; i < M; i++)
    for (int k = 0; k < M; k++) {
      int aik = a[i][k];
      for (int j = 0; j < M; j++) c[i][j] += (int64_t)aik * b[k][j];
    }
}

void run(int64_t *iout, double *fout) {
  seed = 2024u;
  double a[N][N], b[N][N], c[N][N], t[N][N];
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      a[i][j] = next_double();
      b[i][j] = next_double();
    }
  matmul(a, b, c);
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) t[j][i] = c[i][j];
  double trace = 0.0;
  for (int i = 0; i < N; i++) trace += t[i][i];
  fout[0] = trace;
  for (int i = 0; i < N; i++) fout[1 + i] = c[i][(i * 3) % N];

  double v[N], w[N];
  for (int i = 0; i < N; i++) v[i] = i - 3.5;
  for (int i = 0; i < N; i++) {
    w[i] = 0.0;
    for (int j = 0; j < N; j++) w[i] += t[i][j] * v[j];
  }
  for (int i = 0; i < N; i++) fout[9 + i] = w[i];

  int ia[M][M], ib[M][M];
  int64_t ic[M][M];
  for (int i = 0; i < M; i++)
    for (int j = 0; j < M; j++) {
      ia[i][j] = (i * 7 + j * 3) % 11 - 5;
      ib[i][j] = (i * i + 2 * j) % 9 - 4;
    }
  matmul_ikj(ia, ib, ic);
  for (int i = 0; i < M; i++) {
    int64_t row = 0;
    for (int j = 0; j < M; j++) row = row * 100 + ic[i][j] + 50;
    iout[i] = row;
  }
}
