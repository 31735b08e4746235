// switch: fallthrough between cases, default in the middle and missing,
// negative and character case values, several labels on one body, break
// leaving only the switch inside a loop, continue through a switch, nesting.
#include <stdint.h>

static int fall(int v) {
  int r = 0;
  switch (v) {
    case 0:
      r += 1;
    case 1:
      r += 10;
      break;
    case 2:
    case 3:
      r += 100;
    default:
      r += 1000;
      break;
    case -4:
      r -= 5;
  }
  return r;
}

static int no_default(int v) {
  int r = 7;
  switch (v % 4) {
    case 1: r = 11; break;
    case 3: r = 33; break;
  }
  return r;
}

static int char_kind(char c) {
  switch (c) {
    case 'a': case 'e': case 'i': case 'o': case 'u':
      return 1;
    case ' ':
      return 2;
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      return 3;
    default:
      return 0;
  }
}

void run(int64_t *iout, double *fout) {
  int64_t code = 0;
  for (int v = -5; v <= 5; v++) code = code * 7 + fall(v) % 7;
  iout[0] = code;
  iout[1] = fall(0) + fall(1) + fall(2) + fall(3) + fall(-4) + fall(99);

  int64_t s = 0;
  for (int v = -3; v < 10; v++) s = s * 3 + no_default(v) % 3;
  iout[2] = s;

  const char text[] = "a 1e x9 oo u";
  int kinds[4] = {0, 0, 0, 0};
  for (int i = 0; text[i] != '\0'; i++) kinds[char_kind(text[i])]++;
  for (int k = 0; k < 4; k++) iout[3 + k] = kinds[k];

  int count = 0, total = 0;
  for (int i = 0; i < 20; i++) {
    switch (i % 5) {
      case 0:
        continue;
      case 1:
        total += i;
        break;
      case 4:
        if (i > 10) break;
        total += 100;
      default:
        count++;
    }
    total += 1;
  }
  iout[7] = count;
  iout[8] = total;

  double d = 0.0;
  for (int i = 0; i < 6; i++) {
    switch (i & 1) {
      case 0:
        switch (i) {
          case 2: d += 0.5; break;
          default: d += 0.25;
        }
        break;
      default:
        d *= 1.5;
    }
  }
  fout[0] = d;
}
