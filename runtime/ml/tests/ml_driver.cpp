//===- ml_driver.cpp - Runs two ML regions the way compiled code does
//------===//
//
// A stand-in for a program compiled from
//
//   #pragma approx tensor functor(ifn: [i, 0:2] = ([i], [i]))
//   #pragma approx tensor functor(ofn: [i, 0:1] = ([i]))
//   #pragma approx tensor map(to: ifn(a[0:n], b[0:n]))   // b: a strided column
//   #pragma approx tensor map(from: ofn(c[0:n]))
//   #pragma approx ml(MODE) in(a, b) out(c) model(M) database(D)
//   { c[i] = 2 * a[i] + b[i]; }                           // region "saxpy"
//
//   #pragma approx ml(collect) in(a) out(d) database(D) if(mode == collect && k
//   % 2) { d[i] = a[i] * a[i]; }                               // region
//   "square"
//
// loaded from the libapprox_ml.so named by $APPROX_ML_LIB (the shipped
// library, with its exports). Call k uses n = 3 + k % 5 points (or --rows),
// a[i] = k + i / 4, b[i] = i / 2 - k. Each call prints
// "call <k> <model|exact> n <n> c <c[0]> ... " (values when n <= 16).
//
// Options: --mode=infer|collect|predicated (predicated: odd calls infer)
//          --calls=N --model=PATH --database=PATH --sleep-ms=MS (inside the
//          exact code) --choice=K (model_choice) --rows=N
//
//===----------------------------------------------------------------------===//

#include "approx/ml.h"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <string>
#include <thread>
#include <vector>

namespace {

// Only the declarations of approx/ml.h: the functions come from dlopen.
decltype(&approx_ml_enter) enter;
decltype(&approx_ml_exit) exitRegion;

void load() {
  const char *path = std::getenv("APPROX_ML_LIB");
  if (!path) {
    std::fprintf(stderr, "ml_driver: set APPROX_ML_LIB to libapprox_ml.so\n");
    std::exit(3);
  }
  void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    std::fprintf(stderr, "ml_driver: %s\n", dlerror());
    std::exit(3);
  }
  enter = reinterpret_cast<decltype(enter)>(dlsym(library, "approx_ml_enter"));
  exitRegion =
      reinterpret_cast<decltype(exitRegion)>(dlsym(library, "approx_ml_exit"));
  if (!enter || !exitRegion) {
    std::fprintf(stderr, "ml_driver: missing approx_ml_enter/exit\n");
    std::exit(3);
  }
}

struct Options {
  std::string mode = "collect", model = "-", database = "-";
  long calls = 10, sleepMs = 0, choice = 0, rows = 0;
};

Options parse(int argc, char **argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    size_t eq = arg.find('=');
    std::string key = arg.substr(0, eq), value = arg.substr(eq + 1);
    if (eq == std::string::npos) {
      std::fprintf(stderr, "ml_driver: bad option '%s'\n", argv[i]);
      std::exit(3);
    }
    if (key == "--mode")
      options.mode = value;
    else if (key == "--model")
      options.model = value;
    else if (key == "--database")
      options.database = value;
    else if (key == "--calls")
      options.calls = std::stol(value);
    else if (key == "--sleep-ms")
      options.sleepMs = std::stol(value);
    else if (key == "--choice")
      options.choice = std::stol(value);
    else if (key == "--rows")
      options.rows = std::stol(value);
    else {
      std::fprintf(stderr, "ml_driver: unknown option '%s'\n", argv[i]);
      std::exit(3);
    }
  }
  return options;
}

/// The argument words of one call (README.md, "C ABI").
struct Words {
  std::vector<int64_t> words;

  Words(int64_t mode, int64_t predicate, int64_t enabled, int64_t choice,
        int64_t arrays)
      : words{mode, predicate, enabled, choice, arrays} {}

  void array(const void *address, int64_t type, int64_t size, int64_t stride) {
    words.insert(words.end(),
                 {reinterpret_cast<int64_t>(address), type, 1, size, stride});
  }
  void bounds(std::initializer_list<int64_t> values) {
    words.push_back(values.size());
    words.insert(words.end(), values);
  }
};

/// Calls an entry point with `spec` and `words` as memrefs.
template <typename Function>
auto call(Function function, const std::string &spec, const Words &words) {
  return function(spec.data(), spec.data(), 0, spec.size(), 1,
                  words.words.data(), words.words.data(), 0, words.words.size(),
                  1);
}

} // namespace

int main(int argc, char **argv) {
  Options options = parse(argc, argv);
  load();
  int64_t mode = options.mode == "infer"        ? 0
                 : options.mode == "collect"    ? 1
                 : options.mode == "predicated" ? 2
                                                : -1;
  if (mode < 0) {
    std::fprintf(stderr, "ml_driver: bad mode '%s'\n", options.mode.c_str());
    return 3;
  }
  const std::string saxpy = "region saxpy ml_driver.cpp:10\n"
                            "model " +
                            options.model +
                            "\n"
                            "database " +
                            options.database +
                            "\n"
                            "functor ifn lhs 1 2 rhs 2\n"
                            "slice 1 s,0,0,0,0\n"
                            "slice 1 s,0,0,0,0\n"
                            "functor ofn lhs 1 1 rhs 1\n"
                            "slice 1 s,0,0,0,0\n"
                            "map to ifn 2 0,-1,0,1,2 1,-1,0,1,2\n"
                            "map from ofn 1 2,-1,0,1,2\n"
                            "in 0\n"
                            "out 1\n";
  const std::string square = "region square ml_driver.cpp:13\n"
                             "model -\n"
                             "database " +
                             options.database +
                             "\n"
                             "functor sq_in lhs 1 1 rhs 1\n"
                             "slice 1 s,0,0,0,0\n"
                             "functor sq_out lhs 1 1 rhs 1\n"
                             "slice 1 s,0,0,0,0\n"
                             "map to sq_in 1 0,-1,0,1,2\n"
                             "map from sq_out 1 1,-1,0,1,2\n"
                             "in 0\n"
                             "out 1\n";

  for (long k = 0; k < options.calls; ++k) {
    int64_t n = options.rows > 0 ? options.rows : 3 + k % 5;
    std::vector<float> a(n);
    std::vector<double> ab(2 * n), c(n, -1.0), d(n, -1.0);
    for (int64_t i = 0; i < n; ++i) {
      a[i] = k + 0.25f * i;
      ab[2 * i + 1] = 0.5 * i - k; // b is column 1 of ab
    }

    Words words(mode, k % 2, 1, options.choice, 3);
    words.array(a.data(), 0, n, 1);
    words.array(ab.data() + 1, 1, n, 2);
    words.array(c.data(), 1, n, 1);
    words.bounds({0, n, 1});
    bool inferred = call(enter, saxpy, words) != 0;
    if (!inferred) {
      for (int64_t i = 0; i < n; ++i)
        c[i] = 2 * a[i] + ab[2 * i + 1];
      std::this_thread::sleep_for(std::chrono::milliseconds(options.sleepMs));
      call(exitRegion, saxpy, words);
    }

    Words squareWords(1, 0, mode == 1 && k % 2 == 1, 0, 2);
    squareWords.array(a.data(), 0, n, 1);
    squareWords.array(d.data(), 1, n, 1);
    squareWords.bounds({0, n, 1});
    if (call(enter, square, squareWords) == 0) {
      for (int64_t i = 0; i < n; ++i)
        d[i] = double(a[i]) * a[i];
      call(exitRegion, square, squareWords);
    }

    std::printf("call %ld %s n %ld c", k, inferred ? "model" : "exact",
                static_cast<long>(n));
    for (int64_t i = 0; n <= 16 && i < n; ++i)
      std::printf(" %.17g", c[i]);
    std::printf("\n");
    std::fflush(stdout);
  }
  return 0;
}
