//===- bridge_test.cpp - The data bridge against plain loops
//---------------===//
//
// Every layout is composed through the bridge and compared element by
// element with a plain C++ loop; outputs are scattered into arrays filled
// with a sentinel to check that exactly the mapped elements change. Errors
// that exit(2) run in a forked child whose status and stderr are checked.
//
//===----------------------------------------------------------------------===//

#include "approx/ml.h"

#include "runtime/ml/src/args.h"
#include "runtime/ml/src/bridge.h"
#include "runtime/ml/src/spec.h"

#include <ATen/ops/arange.h>
#include <ATen/ops/full.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

using namespace approx::ml;

namespace {

int failures = 0;

#define EXPECT(cond)                                                           \
  do {                                                                         \
    if (!(cond)) {                                                             \
      std::fprintf(stderr, "%s:%d: EXPECT failed: %s\n", __FILE__, __LINE__,   \
                   #cond);                                                     \
      ++failures;                                                              \
    }                                                                          \
  } while (0)

#define EXPECT_EQ(a, b)                                                        \
  do {                                                                         \
    auto va = (a);                                                             \
    auto vb = (b);                                                             \
    if (!(va == vb)) {                                                         \
      std::fprintf(stderr, "%s:%d: EXPECT_EQ failed: %s == %s (%s vs %s)\n",   \
                   __FILE__, __LINE__, #a, #b, std::to_string(va).c_str(),     \
                   std::to_string(vb).c_str());                                \
      ++failures;                                                              \
    }                                                                          \
  } while (0)

template <typename T> int64_t typeCode();
template <> int64_t typeCode<float>() { return 0; }
template <> int64_t typeCode<double>() { return 1; }
template <> int64_t typeCode<int32_t>() { return 2; }
template <> int64_t typeCode<int64_t>() { return 3; }

struct ArrayWords {
  const void *address;
  int64_t type;
  std::vector<int64_t> sizes, strides;
};

/// A row-major array of `sizes`, or with explicit `strides`.
template <typename T>
ArrayWords array(const T *data, std::vector<int64_t> sizes,
                 std::vector<int64_t> strides = {}) {
  if (strides.empty()) {
    strides.assign(sizes.size(), 1);
    for (int d = int(sizes.size()) - 2; d >= 0; --d)
      strides[d] = strides[d + 1] * sizes[d + 1];
  }
  return {data, typeCode<T>(), sizes, strides};
}

/// The argument words of a call (README.md, "C ABI").
std::vector<int64_t> words(const std::vector<ArrayWords> &arrays,
                           const std::vector<int64_t> &bounds, int64_t mode = 0,
                           int64_t enabled = 1, int64_t choice = 0) {
  std::vector<int64_t> result{mode, 0, enabled, choice, int64_t(arrays.size())};
  for (const ArrayWords &a : arrays) {
    result.push_back(reinterpret_cast<int64_t>(a.address));
    result.push_back(a.type);
    result.push_back(a.sizes.size());
    result.insert(result.end(), a.sizes.begin(), a.sizes.end());
    result.insert(result.end(), a.strides.begin(), a.strides.end());
  }
  result.push_back(bounds.size());
  result.insert(result.end(), bounds.begin(), bounds.end());
  return result;
}

RegionViews resolve(const std::string &spec, const std::vector<int64_t> &w) {
  return resolveRegion(parseSpec(spec), decodeArgs(w.data(), w.size()));
}

/// Checks `tensor` against `shape` and the row-major `expected` values.
void checkTensor(const at::Tensor &tensor, std::vector<int64_t> shape,
                 const std::vector<double> &expected, const char *what) {
  if (tensor.sizes() != at::IntArrayRef(shape)) {
    std::fprintf(stderr, "%s: shape %s, expected %s\n", what,
                 c10::str(tensor.sizes()).c_str(),
                 c10::str(at::IntArrayRef(shape)).c_str());
    ++failures;
    return;
  }
  at::Tensor values = tensor.to(at::kDouble).contiguous();
  const double *data = values.data_ptr<double>();
  EXPECT_EQ(size_t(values.numel()), expected.size());
  int mismatches = 0;
  for (size_t i = 0; i < expected.size(); ++i)
    if (data[i] != expected[i] && mismatches++ == 0)
      std::fprintf(stderr, "%s: element %zu is %g, expected %g\n", what, i,
                   data[i], expected[i]);
  if (mismatches)
    ++failures;
}

/// A spec with the given functor/map lines; `in` is map 0, `out` map 1.
std::string spec(const std::string &body) {
  return "region test bridge_test.cpp:1\nmodel -\ndatabase -\n" + body +
         "in 0\nout 1\n";
}

// ---- Layouts --------------------------------------------------------------

void testOneDimensional() {
  // Five 1-D arrays of four element types composed to [N, 5].
  const int64_t n = 11;
  std::vector<float> a(n), e(n);
  std::vector<double> b(n), out(n, -1);
  std::vector<int32_t> c(n);
  std::vector<int64_t> d(n);
  for (int64_t i = 0; i < n; ++i) {
    a[i] = 0.5f * i;
    b[i] = 1.0 / (i + 1);
    c[i] = int32_t(3 * i - 7);
    d[i] = 100 + i;
    e[i] = -float(i);
  }
  std::string text = spec("functor f lhs 1 5 rhs 5\n"
                          "slice 1 s,0,0,0,0\nslice 1 s,0,0,0,0\n"
                          "slice 1 s,0,0,0,0\nslice 1 s,0,0,0,0\n"
                          "slice 1 s,0,0,0,0\n"
                          "functor g lhs 1 1 rhs 1\nslice 1 s,0,0,0,0\n"
                          "map to f 5 0,-1,0,1,2 1,-1,0,1,2 2,-1,0,1,2 "
                          "3,-1,0,1,2 4,-1,0,1,2\n"
                          "map from g 1 5,-1,0,1,2\n");
  RegionViews views =
      resolve(text, words({array(a.data(), {n}), array(b.data(), {n}),
                           array(c.data(), {n}), array(d.data(), {n}),
                           array(e.data(), {n}), array(out.data(), {n})},
                          {0, n, 1}));
  std::vector<double> expected;
  for (int64_t i = 0; i < n; ++i)
    expected.insert(expected.end(),
                    {a[i], b[i], double(c[i]), double(d[i]), e[i]});
  checkTensor(compose(views.inputs, at::kDouble), {n, 5}, expected, "1-D");
  // The model's float32 input.
  at::Tensor asFloat = compose(views.inputs, at::kFloat);
  EXPECT(asFloat.scalar_type() == at::kFloat);
  std::vector<double> rounded;
  for (double v : expected)
    rounded.push_back(float(v));
  checkTensor(asFloat, {n, 5}, rounded, "1-D f32");
  EXPECT(views.inputs.sweep == std::vector<int64_t>{n});
}

void testStencil() {
  // [i, j, 0:5] = ([i-1, j], [i+1, j], [i, j-1:j+2]) over t[1:N-1, 1:M-1],
  // out [i, j, 0:1] = ([i, j]) over tnew[1:N-1, 1:M-1].
  const int64_t n = 7, m = 9;
  std::vector<double> t(n * m);
  std::vector<float> tnew(n * m, -7.0f);
  for (int64_t i = 0; i < n * m; ++i)
    t[i] = i * 1.5 - 3;
  std::string text = spec("functor ifn lhs 2 5 rhs 3\n"
                          "slice 2 s,0,-1,0,0 s,1,0,0,0\n"
                          "slice 2 s,0,1,0,0 s,1,0,0,0\n"
                          "slice 2 s,0,0,0,0 r,1,-1,2,1\n"
                          "functor ofn lhs 2 1 rhs 1\n"
                          "slice 2 s,0,0,0,0 s,1,0,0,0\n"
                          "map to ifn 1 0,-1,0,1,2,3,4,2\n"
                          "map from ofn 1 1,-1,0,1,2,3,4,2\n");
  auto w = words({array(t.data(), {n, m}), array(tnew.data(), {n, m})},
                 {1, n - 1, 1, 1, m - 1});
  RegionViews views = resolve(text, w);
  std::vector<double> expected;
  auto at2 = [&](int64_t i, int64_t j) { return t[i * m + j]; };
  for (int64_t i = 1; i < n - 1; ++i)
    for (int64_t j = 1; j < m - 1; ++j)
      expected.insert(expected.end(),
                      {at2(i - 1, j), at2(i + 1, j), at2(i, j - 1), at2(i, j),
                       at2(i, j + 1)});
  checkTensor(compose(views.inputs, at::kDouble), {n - 2, m - 2, 5}, expected,
              "stencil");

  // Reverse mapping: exactly the interior changes, converted to float.
  at::Tensor y = at::arange((n - 2) * (m - 2), at::kFloat)
                     .mul(0.5)
                     .reshape({n - 2, m - 2, 1});
  scatter(y, views.outputs);
  int wrong = 0;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < m; ++j) {
      bool inside = i >= 1 && i < n - 1 && j >= 1 && j < m - 1;
      float want = inside ? 0.5f * ((i - 1) * (m - 2) + (j - 1)) : -7.0f;
      wrong += tnew[i * m + j] != want;
    }
  EXPECT_EQ(wrong, 0);
}

void testStrided() {
  // Step 2 and 3 in the concrete ranges of a 2-D target, plus a column of a
  // matrix passed as a non-contiguous 1-D array (stride = row length).
  const int64_t n = 10, m = 8;
  std::vector<int32_t> grid(n * m);
  std::vector<double> matrix(n * m), out(n * m, 42);
  for (int64_t i = 0; i < n * m; ++i) {
    grid[i] = int32_t(i * 7 % 23);
    matrix[i] = 0.25 * i;
  }
  // in: [i, j, 0:2] = ([i, j], [i, j]) on (grid, column 3 of matrix... by j)
  // Column 3 of `matrix` as a 1-D array of n elements with stride m.
  std::string text = spec("functor ifn lhs 2 3 rhs 2\n"
                          "slice 2 s,0,0,0,0 s,1,0,0,0\n"
                          "slice 2 s,0,0,0,0 r,1,0,2,1\n"
                          "functor ofn lhs 2 1 rhs 1\n"
                          "slice 2 s,0,0,0,0 s,1,0,0,0\n"
                          "map to ifn 1 0,-1,0,1,2,3,4,5\n"
                          "map from ofn 1 1,-1,0,1,2,3,4,5\n");
  // i in 1:10:2 (5 values), j in 0:6:3 (2 values); slice 2 reads [i, j:j+2].
  auto w = words({array(grid.data(), {n, m}), array(out.data(), {n, m})},
                 {1, n, 2, 0, 6, 3});
  RegionViews views = resolve(text, w);
  std::vector<double> expected;
  for (int64_t i = 1; i < n; i += 2)
    for (int64_t j = 0; j < 6; j += 3)
      expected.insert(expected.end(),
                      {double(grid[i * m + j]), double(grid[i * m + j]),
                       double(grid[i * m + j + 1])});
  checkTensor(compose(views.inputs, at::kDouble), {5, 2, 3}, expected, "steps");
  scatter(at::full({5, 2, 1}, -1.0, at::kDouble), views.outputs);
  int changed = 0, wrong = 0;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < m; ++j) {
      bool mapped = i % 2 == 1 && j < 6 && j % 3 == 0;
      changed += out[i * m + j] != 42;
      wrong += out[i * m + j] != (mapped ? -1.0 : 42.0);
    }
  EXPECT_EQ(changed, 10);
  EXPECT_EQ(wrong, 0);

  // A non-contiguous 1-D array: column 3 of `matrix`, every element.
  std::vector<double> col(n, 0);
  std::string columnText = spec("functor f lhs 1 1 rhs 1\nslice 1 s,0,0,0,0\n"
                                "functor g lhs 1 1 rhs 1\nslice 1 s,0,0,0,0\n"
                                "map to f 1 0,-1,0,1,2\n"
                                "map from g 1 1,-1,0,1,2\n");
  RegionViews column = resolve(
      columnText,
      words({array(matrix.data() + 3, {n}, {m}), array(col.data(), {n})},
            {0, n, 1}));
  expected.clear();
  for (int64_t i = 0; i < n; ++i)
    expected.push_back(matrix[i * m + 3]);
  checkTensor(compose(column.inputs, at::kDouble), {n, 1}, expected, "column");
  // Writing back through strides: only column 5 of `out` changes.
  std::fill(out.begin(), out.end(), 42);
  RegionViews back =
      resolve(columnText,
              words({array(col.data(), {n}), array(out.data() + 5, {n}, {m})},
                    {0, n, 1}));
  scatter(at::arange(n, at::kDouble).reshape({n, 1}), back.outputs);
  wrong = 0;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < m; ++j)
      wrong += out[i * m + j] != (j == 5 ? double(i) : 42.0);
  EXPECT_EQ(wrong, 0);
}

void testConstantDims() {
  // X[N][3] with [i, 0:3], [i, 2] and a 3-D Y[N][4][3] with [i, 1:3, 0:3:2]
  // (two range dims flattened row-major into 4 features).
  const int64_t n = 6;
  std::vector<float> x(n * 3);
  std::vector<int64_t> y(n * 4 * 3);
  std::vector<double> out(n * 4 * 3, 9);
  for (int64_t i = 0; i < n * 3; ++i)
    x[i] = 1.0f + i;
  for (int64_t i = 0; i < n * 12; ++i)
    y[i] = 1000 + i;
  std::string text = spec("functor f lhs 1 8 rhs 3\n"
                          "slice 2 s,0,0,0,0 k,-1,0,3,1\n"
                          "slice 2 s,0,0,0,0 c,-1,2,0,0\n"
                          "slice 3 s,0,0,0,0 k,-1,1,3,1 k,-1,0,3,2\n"
                          "functor g lhs 1 4 rhs 1\n"
                          "slice 3 s,0,0,0,0 k,-1,1,3,1 k,-1,0,3,2\n"
                          "map to f 3 0,-1,0,1,2 0,-1,0,1,2 1,-1,0,1,2\n"
                          "map from g 1 2,-1,0,1,2\n");
  RegionViews views =
      resolve(text, words({array(x.data(), {n, 3}), array(y.data(), {n, 4, 3}),
                           array(out.data(), {n, 4, 3})},
                          {0, n, 1}));
  std::vector<double> expected;
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t k = 0; k < 3; ++k)
      expected.push_back(x[i * 3 + k]);
    expected.push_back(x[i * 3 + 2]);
    for (int64_t p = 1; p < 3; ++p)
      for (int64_t q = 0; q < 3; q += 2)
        expected.push_back(double(y[i * 12 + p * 3 + q]));
  }
  checkTensor(compose(views.inputs, at::kDouble), {n, 8}, expected,
              "constant dims");
  // Scatter through two range dims.
  scatter(at::arange(n * 4, at::kDouble).reshape({n, 4}), views.outputs);
  int wrong = 0;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t p = 0; p < 4; ++p)
      for (int64_t q = 0; q < 3; ++q) {
        bool mapped = p >= 1 && p < 3 && q % 2 == 0;
        double want = mapped ? double(i * 4 + (p - 1) * 2 + q / 2) : 9.0;
        wrong += out[i * 12 + p * 3 + q] != want;
      }
  EXPECT_EQ(wrong, 0);
}

void testPointerOffset() {
  // map(to: f((a + off)[0:n])) with the offset held in a bound value.
  const int64_t size = 100, n = 20, offset = 10;
  std::vector<double> a(size), out(size, 5);
  for (int64_t i = 0; i < size; ++i)
    a[i] = i * i;
  std::string text = spec("functor f lhs 1 2 rhs 2\n"
                          "slice 1 s,0,0,0,0\nslice 1 s,0,3,0,0\n"
                          "functor g lhs 1 1 rhs 1\nslice 1 s,0,0,0,0\n"
                          "map to f 1 0,3,0,1,2\n"
                          "map from g 1 1,3,0,1,2\n");
  RegionViews views =
      resolve(text, words({array(a.data(), {size}), array(out.data(), {size})},
                          {0, n, 1, offset}));
  std::vector<double> expected;
  for (int64_t i = 0; i < n; ++i)
    expected.insert(expected.end(), {a[offset + i], a[offset + i + 3]});
  checkTensor(compose(views.inputs, at::kDouble), {n, 2}, expected, "offset");
  scatter(at::full({n, 1}, -2.0, at::kDouble), views.outputs);
  int wrong = 0;
  for (int64_t i = 0; i < size; ++i)
    wrong += out[i] != (i >= offset && i < offset + n ? -2.0 : 5.0);
  EXPECT_EQ(wrong, 0);
}

void testEmptySweep() {
  // hi <= lo: no sweep point, nothing touched, even far out of bounds.
  std::vector<double> a(4), out(4, 1);
  std::string text = spec("functor f lhs 1 1 rhs 1\nslice 1 s,0,50,0,0\n"
                          "functor g lhs 1 1 rhs 1\nslice 1 s,0,0,0,0\n"
                          "map to f 1 0,-1,0,1,2\n"
                          "map from g 1 1,-1,0,1,2\n");
  RegionViews views = resolve(
      text, words({array(a.data(), {4}), array(out.data(), {4})}, {3, 3, 1}));
  checkTensor(compose(views.inputs, at::kDouble), {0, 1}, {}, "empty");
}

// ---- Spec parsing ---------------------------------------------------------

void testSpecParsing() {
  Spec parsed =
      parseSpec("region r my dir/f.c:12\nmodel my models/m.pt\n"
                "database -\n\n"
                "map to f 1 0,-1,0,1,2\nmap from f 1 1,2,3,4,5\n"
                "functor f lhs 1 2 rhs 1\nslice 2 s,0,0,0,0 k,-1,0,2,1\n"
                "in 0\nout 1\n");
  EXPECT(parsed.name == "r");
  EXPECT(parsed.location == "my dir/f.c:12");
  EXPECT(parsed.model == "my models/m.pt");
  EXPECT(parsed.database.empty());
  EXPECT_EQ(parsed.maps.size(), size_t(2));
  EXPECT_EQ(parsed.maps[1].functor, size_t(0));
  EXPECT_EQ(parsed.maps[1].targets[0].offsetBound, int64_t(2));
  EXPECT_EQ(parsed.functors[0].slices[0].features, int64_t(2));

  auto error = [](const std::string &text) -> std::string {
    try {
      parseSpec(text);
    } catch (const SpecError &e) {
      return e.location + ": " + e.what();
    }
    return "no error";
  };
  std::string head = "region r f.c:3\nmodel -\ndatabase -\n"
                     "functor f lhs 1 1 rhs 1\nslice 1 s,0,0,0,0\n";
  EXPECT(error(head + "map to f 1 0,-1,0,1,2\nin 0\nout 0\n") ==
         "f.c:3: bad spec: out lists map 0, a 'to' map");
  EXPECT(error(head + "map to f 1 0,-1,0,1,2\nin 0\n") ==
         "f.c:3: bad spec: missing 'out' line");
  EXPECT(error(head + "map to g 1 0,-1,0,1,2\nin 0\nout\n") ==
         "f.c:3: bad spec: map 0 (g): no functor 'g'");
  EXPECT(error(head + "map to f 1 0,-1,0,1,2\nin 0\nout\n") ==
         "f.c:3: bad spec: the region has no out(...) maps");
  EXPECT(error("region r f.c:3\nmodel -\nfunctor f lhs 1 1 rhs 2\n"
               "slice 1 s,0,0,0,0\nin 0\n") ==
         "f.c:3: bad spec line 5 'in 0': functor 'f' expects 1 more slice "
         "line(s)");
  EXPECT(error(head + "slice 1 s,1,0,0,0\n") ==
         "f.c:3: bad spec line 6 'slice 1 s,1,0,0,0': a slice line must "
         "follow its functor line");
  EXPECT(error("region r f.c:3\nfunctor f lhs 1 1 rhs 1\n"
               "slice 1 s,1,0,0,0\n") ==
         "f.c:3: bad spec line 3 'slice 1 s,1,0,0,0': slice dim 's,1,0,0,0': "
         "symbol 1 is not one of the 1 LHS symbols");
  EXPECT(error("region r f.c:3\nfunctor f lhs 1 1 rhs 1\n"
               "slice 1 k,-1,2,2,1\n") ==
         "f.c:3: bad spec line 3 'slice 1 k,-1,2,2,1': slice dim "
         "'k,-1,2,2,1': a range needs hi > lo and step >= 1");
}

// ---- Errors ---------------------------------------------------------------

struct Outcome {
  int status; // exit status, -1 when killed by a signal
  std::string stderrText;
};

/// Runs `body` in a forked child; returns its exit status and stderr.
Outcome inChild(const std::function<void()> &body) {
  int pipeFds[2];
  if (pipe(pipeFds) != 0)
    return {-2, "pipe failed"};
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(pipeFds[1], 2);
    close(pipeFds[0]);
    body();
    _exit(0);
  }
  close(pipeFds[1]);
  std::string text;
  char buffer[512];
  ssize_t count;
  while ((count = read(pipeFds[0], buffer, sizeof buffer)) > 0)
    text.append(buffer, count);
  close(pipeFds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text};
}

/// Calls approx_ml_enter in a child and expects exit(2) with a message
/// holding `location: error: ` and `needle`.
void expectFailure(const std::string &text, const std::vector<int64_t> &w,
                   const std::string &location, const std::string &needle) {
  Outcome outcome = inChild([&] {
    approx_ml_enter(text.data(), text.data(), 0, text.size(), 1, w.data(),
                    w.data(), 0, w.size(), 1);
  });
  std::string prefix = location + ": error: ";
  bool ok = outcome.status == 2 && outcome.stderrText.rfind(prefix, 0) == 0 &&
            outcome.stderrText.find(needle) != std::string::npos;
  if (!ok) {
    std::fprintf(stderr,
                 "expected exit 2 with '%s...%s', got status %d and:\n%s\n",
                 prefix.c_str(), needle.c_str(), outcome.status,
                 outcome.stderrText.c_str());
    ++failures;
  }
}

void testErrors() {
  const int64_t n = 6, m = 5;
  std::vector<double> t(n * m), tnew(n * m);
  auto stencil = [](const std::string &range) {
    return "region heat heat.c:42\nmodel /nonexistent/m.pt\ndatabase -\n"
           "functor ifn lhs 2 5 rhs 3\n"
           "slice 2 s,0,-1,0,0 s,1,0,0,0\n"
           "slice 2 s,0,1,0,0 s,1,0,0,0\n"
           "slice 2 s,0,0,0,0 r,1,-1,2,1\n"
           "functor ofn lhs 2 1 rhs 1\n"
           "slice 2 s,0,0,0,0 s,1,0,0,0\n"
           "map to ifn " +
           range +
           "\n"
           "map from ofn 1 1,-1,0,1,2,3,4,2\n"
           "in 0\nout 1\n";
  };
  auto arrays = std::vector<ArrayWords>{array(t.data(), {n, m}),
                                        array(tnew.data(), {n, m})};
  // Slice out of bounds: i sweeps 0:N-1, so [i-1, j] reads row -1.
  expectFailure(stencil("1 0,-1,5,1,2,3,4,2"),
                words(arrays, {1, n - 1, 1, 1, m - 1, 0}), "heat.c:42",
                "map 0 (to ifn), target 0 (array 0), slice 0, dim 0 touches "
                "indices -1..3 outside [0, 6)");
  // With an `arrays` line, the message names the array.
  std::string named = stencil("1 0,-1,5,1,2,3,4,2");
  named.insert(named.find("functor"), "arrays t tnew\n");
  expectFailure(named, words(arrays, {1, n - 1, 1, 1, m - 1, 0}), "heat.c:42",
                "map 0 (to ifn), target 0 (array 't'), slice 0, dim 0 touches "
                "indices -1..3 outside [0, 6)");
  // ... and j sweeps 1:M, so [i, j-1:j+2] reads column M.
  expectFailure(stencil("1 0,-1,0,1,2,3,6,2"),
                words(arrays, {1, n - 1, 1, 1, m - 1, 0, m}), "heat.c:42",
                "slice 2, dim 1 touches indices 0..5 outside [0, 5)");
  // Pointer offset past the end.
  expectFailure(stencil("1 0,6,0,1,2,3,4,2"),
                words(arrays, {1, n - 1, 1, 1, m - 1, 0, 3}), "heat.c:42",
                "touches elements");
  // RHS/target arity: 2 targets for 3 slices.
  expectFailure(stencil("2 0,-1,0,1,2,3,4,2 0,-1,0,1,2,3,4,2"),
                words(arrays, {1, n - 1, 1, 1, m - 1}), "heat.c:42",
                "map 0 (ifn): 2 targets for 3 slices");
  // Feature count: the LHS declares 4, the slices give 5.
  std::string features = stencil("1 0,-1,0,1,2,3,4,2");
  features.replace(features.find("lhs 2 5"), 7, "lhs 2 4");
  expectFailure(features, words(arrays, {1, n - 1, 1, 1, m - 1}), "heat.c:42",
                "functor 'ifn': its slices give 5 features, its LHS "
                "declares 4");
  // A bad spec line.
  std::string bad = stencil("1 0,-1,0,1,2,3,4,2");
  bad.replace(bad.find("r,1,-1,2,1"), 10, "x,1,-1,2,1");
  expectFailure(bad, words(arrays, {1, n - 1, 1, 1, m - 1}), "heat.c:42",
                "bad spec line 7 'slice 2 s,0,0,0,0 x,1,-1,2,1': slice dim "
                "'x,1,-1,2,1': kind must be one of s r c k");
  // A spec whose region line is missing has no location yet.
  expectFailure("model -\n", words(arrays, {}), "<unknown>:0",
                "the first line must be 'region");
  // Target ranges vs LHS symbols.
  expectFailure(stencil("1 0,-1,0,1,2"), words(arrays, {1, n - 1, 1}),
                "heat.c:42",
                "map 0 (ifn), target 0: 1 concrete ranges for 2 LHS symbols");
  // Array rank vs slice dims.
  expectFailure(stencil("1 0,-1,0,1,2,3,4,2"),
                words({array(t.data(), {n * m}), array(tnew.data(), {n, m})},
                      {1, n - 1, 1, 1, m - 1}),
                "heat.c:42", "slice 0 has 2 dims but the array has rank 1");
  // Missing model file (infer mode, after the bridge checks passed).
  expectFailure(stencil("1 0,-1,0,1,2,3,4,2"),
                words(arrays, {1, n - 1, 1, 1, m - 1}), "heat.c:42",
                "model file '/nonexistent/m.pt' not found");
  expectFailure(stencil("1 0,-1,0,1,2,3,4,2"),
                words(arrays, {1, n - 1, 1, 1, m - 1}, 0, 1, 4), "heat.c:42",
                "model file '/nonexistent/m.4.pt' not found");
  // Collect mode without a database.
  expectFailure(stencil("1 0,-1,0,1,2,3,4,2"),
                words(arrays, {1, n - 1, 1, 1, m - 1}, 1), "heat.c:42",
                "collection needs a database(...) clause");
  // Malformed argument words.
  expectFailure(stencil("1 0,-1,0,1,2,3,4,2"), {0, 0, 1, 0, 5}, "heat.c:42",
                "argument words end before array address");
}

void testExecutionControl() {
  // Exact-only calls touch neither the model nor the arrays: enabled = 0
  // (the if clause) and model_choice = -1 return 0 though the model is
  // missing; exit without a collection in progress does nothing.
  const int64_t n = 4;
  std::vector<double> a(n, 1), out(n, 3);
  std::string text = "region ctl ctl.c:7\nmodel /nonexistent/m.pt\n"
                     "database -\n"
                     "functor f lhs 1 1 rhs 1\nslice 1 s,0,0,0,0\n"
                     "map to f 1 0,-1,0,1,2\nmap from f 1 1,-1,0,1,2\n"
                     "in 0\nout 1\n";
  auto arrays =
      std::vector<ArrayWords>{array(a.data(), {n}), array(out.data(), {n})};
  for (auto w :
       {words(arrays, {0, n, 1}, 0, 0, 0), words(arrays, {0, n, 1}, 0, 1, -1),
        words(arrays, {0, n, 1}, 1, 0, 0)}) {
    EXPECT_EQ(approx_ml_enter(text.data(), text.data(), 0, text.size(), 1,
                              w.data(), w.data(), 0, w.size(), 1),
              0);
    approx_ml_exit(text.data(), text.data(), 0, text.size(), 1, w.data(),
                   w.data(), 0, w.size(), 1);
  }
  EXPECT(out == std::vector<double>(n, 3));
}

} // namespace

int main() {
  testSpecParsing();
  testOneDimensional();
  testStencil();
  testStrided();
  testConstantDims();
  testPointerOffset();
  testEmptySweep();
  testExecutionControl();
  testErrors();
  if (failures) {
    std::fprintf(stderr, "bridge_test: %d failure(s)\n", failures);
    return 1;
  }
  std::printf("bridge_test: all checks passed\n");
  return 0;
}
