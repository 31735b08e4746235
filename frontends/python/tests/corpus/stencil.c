// Stencils: a 1-D three-point smoother iterated with ping-pong buffers and
// fixed boundaries, a 2-D five-point Jacobi sweep, and one Game of Life
// generation on a small integer grid with edge checks.
#include <stdint.h>

#define L 32
#define G 10

static void smooth(const double *in, double *out, int n) {
  out[0] = in[0];
  out[n - 1] = in[n - 1];
  for (int i = 1; i < n - 1; i++) out[i] = 0.25 * in[i - 1] + 0.5 * in[i] + 0.25 * in[i + 1];
}

static int neighbors(int g[G][G], int r, int c) {
  int n = 0;
  for (int dr = -1; dr <= 1; dr++)
    for (int dc = -1; dc <= 1; dc++) {
      if (dr == 0 && dc == 0) continue;
      int rr = r + dr, cc = c + dc;
      if (rr < 0 || rr >= G || cc < 0 || cc >= G) continue;
      n += g[rr][cc];
    }
  return n;
}

void run(int64_t *iout, double *fout) {
  double u[L], v[L];
  for (int i = 0; i < L; i++) u[i] = (i % 5 == 0) ? 10.0 : (double)(i % 3);
  for (int it = 0; it < 10; it++) {
    smooth(u, v, L);
    smooth(v, u, L);
  }
  for (int i = 0; i < 8; i++) fout[i] = u[i * 4 + 1];

  double p[8][8], q[8][8];
  for (int r = 0; r < 8; r++)
    for (int c = 0; c < 8; c++) p[r][c] = (r == 0) ? 100.0 : (c == 7 ? 50.0 : 0.0);
  for (int it = 0; it < 20; it++) {
    for (int r = 0; r < 8; r++)
      for (int c = 0; c < 8; c++) {
        if (r == 0 || c == 0 || r == 7 || c == 7)
          q[r][c] = p[r][c];
        else
          q[r][c] = 0.25 * (p[r - 1][c] + p[r + 1][c] + p[r][c - 1] + p[r][c + 1]);
      }
    for (int r = 0; r < 8; r++)
      for (int c = 0; c < 8; c++) p[r][c] = q[r][c];
  }
  for (int i = 0; i < 6; i++) fout[8 + i] = p[i + 1][i + 1];

  int g[G][G] = {{0}}, h[G][G];
  int glider[5][2] = {{1, 2}, {2, 3}, {3, 1}, {3, 2}, {3, 3}};
  for (int i = 0; i < 5; i++) g[glider[i][0]][glider[i][1]] = 1;
  for (int c = 7; c < G; c++) g[7][c] = 1;
  for (int r = 0; r < G; r++)
    for (int c = 0; c < G; c++) {
      int n = neighbors(g, r, c);
      h[r][c] = g[r][c] ? (n == 2 || n == 3) : (n == 3);
    }
  int64_t live = 0, code = 0;
  for (int r = 0; r < G; r++)
    for (int c = 0; c < G; c++) {
      live += h[r][c];
      if (h[r][c]) code = code * 101 % 1000000007 + r * G + c;
    }
  iout[0] = live;
  iout[1] = code;
}
