// Fixed-size local arrays of 1, 2 and 3 dimensions: full, partial and zero
// initializers, sizeof-derived lengths, row and plane reductions, a 2-D
// array passed to a function, indices computed from other arrays.
#include <stdint.h>

static double row_dot(double m[3][4], int r, const double *v) {
  double s = 0.0;
  for (int c = 0; c < 4; c++) s += m[r][c] * v[c];
  return s;
}

void run(int64_t *iout, double *fout) {
  int a1[10] = {5, 3, 9};
  int64_t s = 0;
  for (int i = 0; i < (int)(sizeof a1 / sizeof a1[0]); i++) s = s * 4 + a1[i];
  iout[0] = s;

  int a2[4][5];
  for (int r = 0; r < 4; r++)
    for (int c = 0; c < 5; c++) a2[r][c] = r * 5 + c - 7;
  int64_t rows = 0, cols = 0;
  for (int r = 0; r < 4; r++) {
    int64_t t = 0;
    for (int c = 0; c < 5; c++) t += a2[r][c];
    rows = rows * 100 + t;
  }
  for (int c = 0; c < 5; c++) {
    int64_t t = 0;
    for (int r = 0; r < 4; r++) t += a2[r][c] * a2[r][c];
    cols += t * (c + 1);
  }
  iout[1] = rows;
  iout[2] = cols;

  int a3[3][4][2] = {0};
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 4; j++)
      for (int k = 0; k < 2; k++) a3[i][j][k] = (i + 1) * (j - 2) * (k ? 3 : -1);
  int64_t planes = 0;
  for (int i = 0; i < 3; i++) {
    int64_t t = 0;
    for (int j = 0; j < 4; j++) t += a3[i][j][0] - a3[i][j][1];
    planes = planes * 1000 + t;
  }
  iout[3] = planes;
  iout[4] = a3[2][3][1] + a3[0][0][0];

  int init2[3][3] = {{1, 2, 3}, {4, 5}, {7}};
  int64_t diag = 0, all = 0;
  for (int i = 0; i < 3; i++) {
    diag = diag * 10 + init2[i][i];
    for (int j = 0; j < 3; j++) all = all * 2 + init2[i][j];
  }
  iout[5] = diag;
  iout[6] = all;

  double m[3][4] = {{1.0, 2.0, 3.0, 4.0}, {0.5, -1.0, 0.25, 2.0}, {-3.0, 0.0, 1.5, 1.0}};
  double v[4] = {0.1, 0.2, 0.3, 0.4};
  for (int r = 0; r < 3; r++) fout[r] = row_dot(m, r, v);

  int perm[6] = {3, 0, 5, 1, 4, 2};
  int data[6] = {10, 20, 30, 40, 50, 60};
  int gathered[6];
  for (int i = 0; i < 6; i++) gathered[i] = data[perm[i]];
  int scattered[6] = {0};
  for (int i = 0; i < 6; i++) scattered[perm[i]] = data[i] + i;
  s = 0;
  for (int i = 0; i < 6; i++) s = s * 7 + gathered[i] % 7 + scattered[i] % 3;
  iout[7] = s;

  double big[8][8];
  for (int i = 0; i < 8; i++)
    for (int j = 0; j < 8; j++) big[i][j] = (i == j) ? 2.0 : 1.0 / (1 + i + j);
  double tr = 0.0;
  for (int i = 0; i < 8; i++) tr += big[i][i] * big[i][7 - i];
  fout[3] = tr;
}
