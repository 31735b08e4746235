// char arrays and string literals: vowel counting in a literal passed to a
// function, a const char lookup table, a local char array initialized from a
// literal, strlen/strcmp-style loops, in-place reverse and case mapping by
// char arithmetic, atoi of a signed literal, a 2-D table of words.
#include <stdint.h>

static const char kHex[] = "0123456789abcdef";
static const char kWords[4][8] = {"alpha", "beta", "gamma", "delta"};

static int count_vowels(const char *s) {
  int n = 0;
  for (int i = 0; s[i] != '\0'; i++) {
    char c = s[i];
    if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'A' || c == 'E') n++;
  }
  return n;
}

static int length(const char *s) {
  int n = 0;
  while (*s++) n++;
  return n;
}

static int compare(const char *a, const char *b) {
  while (*a && *a == *b) {
    a++;
    b++;
  }
  return (unsigned char)*a - (unsigned char)*b;
}

static int64_t parse_int(const char *s) {
  int64_t sign = 1, v = 0;
  if (*s == '-') {
    sign = -1;
    s++;
  }
  while (*s >= '0' && *s <= '9') v = v * 10 + (*s++ - '0');
  return sign * v;
}

void run(int64_t *iout, double *fout) {
  iout[0] = count_vowels("The quick brown fox jumps over the lazy dog. An Egg!");
  iout[1] = length("hello, world");
  iout[2] = length("");

  char buf[32] = "Differential";
  int n = length(buf);
  int lo = 0, hi = n - 1;
  while (lo < hi) {
    char t = buf[lo];
    buf[lo++] = buf[hi];
    buf[hi--] = t;
  }
  int64_t h = 0;
  for (int i = 0; i < n; i++) h = h * 131 % 1000000007 + buf[i];
  iout[3] = h;
  for (int i = 0; i < n; i++)
    if (buf[i] >= 'a' && buf[i] <= 'z') buf[i] = (char)(buf[i] - 'a' + 'A');
  iout[4] = buf[0] * 1000 + buf[n - 1];
  iout[5] = buf[n];

  uint32_t value = 0xC0FFEE42u;
  int64_t digits = 0;
  for (int shift = 28; shift >= 0; shift -= 4) digits = digits * 128 % 1000000007 + kHex[(value >> shift) & 0xFu];
  iout[6] = digits;

  iout[7] = compare("apple", "apply");
  iout[8] = compare(kWords[1], "beta");
  iout[9] = compare(kWords[3], kWords[2]);
  iout[10] = parse_int("-123456789");
  iout[11] = parse_int("42abc") + parse_int("7");

  int total = 0;
  for (int w = 0; w < 4; w++) total = total * 10 + count_vowels(kWords[w]);
  iout[12] = total;
  const char *msg = "abc";
  iout[13] = msg[0] + msg[1] * 2 + msg[2] * 3 + msg[3];
  fout[0] = (double)length(kHex) / 4.0;
}
