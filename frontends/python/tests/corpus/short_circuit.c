// Short-circuit && and || whose right operands have side effects (calls that
// count, increments), chains mixing both, logical values used as integers,
// `!`, and ternaries that evaluate only the selected operand.
#include <stdbool.h>
#include <stdint.h>

static int calls;

static bool tick(bool result) {
  calls++;
  return result;
}

static int bump(int *counter, int v) {
  *counter += 1;
  return v;
}

void run(int64_t *iout, double *fout) {
  calls = 0;
  int r0 = tick(false) && tick(true);
  iout[0] = r0 * 100 + calls;

  calls = 0;
  int r1 = tick(true) || tick(true);
  iout[1] = r1 * 100 + calls;

  calls = 0;
  int r2 = tick(true) && tick(false) && tick(true);
  iout[2] = r2 * 100 + calls;

  calls = 0;
  int r3 = tick(false) || tick(false) || tick(true);
  iout[3] = r3 * 100 + calls;

  calls = 0;
  int r4 = (tick(false) && tick(true)) || (tick(true) && tick(true));
  iout[4] = r4 * 100 + calls;

  int n = 0;
  int hits = 0;
  for (int i = 0; i < 20; i++) {
    if (i % 3 == 0 || n++ > 5) hits++;
  }
  iout[5] = hits;
  iout[6] = n;

  int counter = 0;
  int64_t sum = 0;
  for (int i = -5; i <= 5; i++) {
    if (i != 0 && 100 / i > 30 && bump(&counter, 1)) sum += i;
  }
  iout[7] = sum;
  iout[8] = counter;

  int e = 0;
  int v = e ? bump(&counter, 10) : bump(&counter, 20);
  iout[9] = v;
  iout[10] = counter;

  int x = 5;
  iout[11] = !x + 2 * !!x + 4 * !(x > 9) + 8 * (x > 2 && x < 9) + 16 * (x < 0 || x > 4);

  calls = 0;
  int loops = 0;
  while (loops < 10 && tick(loops != 6)) loops++;
  iout[12] = loops;
  iout[13] = calls;

  double d = 0.0;
  bool flag = d != 0.0 && 1.0 / d > 1.0;
  fout[0] = flag ? 1.0 : -1.0;
}
