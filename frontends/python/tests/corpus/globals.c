// Global and static storage: initialized global int/double/2-D arrays, an
// exported (non-static) global, zero-initialized static arrays, global
// scalars updated by helpers, and static locals (a counter and a memo table)
// that keep their values across calls.
#include <stdint.h>

int32_t g_table[8] = {3, 1, 4, 1, 5, 9, 2, 6};
static const double kWeights[5] = {0.5, 0.25, 0.125, 0.0625, 0.03125};
static int g_grid[3][4] = {{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}};
static int64_t g_zeroed[16];
static int64_t g_total = 100;
static double g_scale = 1.5;

static void accumulate(int64_t v) { g_total += v; }

static int call_count(void) {
  static int calls = 0;
  calls++;
  return calls;
}

static int64_t memo_fib(int n) {
  static int64_t memo[64];
  if (n < 2) return n;
  if (memo[n] != 0) return memo[n];
  memo[n] = memo_fib(n - 1) + memo_fib(n - 2);
  return memo[n];
}

void run(int64_t *iout, double *fout) {
  int64_t s = 0;
  for (int i = 0; i < 8; i++) s = s * 10 + g_table[i];
  iout[0] = s;

  double w = 0.0;
  for (int i = 0; i < 5; i++) w += kWeights[i] * (i + 1);
  fout[0] = w * g_scale;

  int64_t grid = 0;
  for (int r = 0; r < 3; r++)
    for (int c = 0; c < 4; c++) grid += g_grid[r][c] * (r - c);
  iout[1] = grid;

  int64_t nz = 0;
  for (int i = 0; i < 16; i++) nz += g_zeroed[i] != 0;
  iout[2] = nz;
  for (int i = 0; i < 16; i++) g_zeroed[i] = i * i;
  g_zeroed[3] += g_zeroed[15];
  iout[3] = g_zeroed[3];

  for (int i = 0; i < 8; i++) accumulate(g_table[i] * 2);
  iout[4] = g_total;

  int c = 0;
  for (int i = 0; i < 5; i++) c = call_count();
  iout[5] = c;
  iout[6] = call_count();

  iout[7] = memo_fib(50);
  iout[8] = memo_fib(60);

  g_table[2] = 40;
  g_scale *= 2.0;
  fout[1] = g_scale + g_table[2];
  g_grid[1][1] = -6;
  iout[9] = g_grid[1][0] + g_grid[1][1] + g_grid[1][2];
}
