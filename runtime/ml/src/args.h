//===- args.h - The argument words of an ML region call -------------------===//
//
// Each approx_ml_enter/exit call passes int64 words: the execution-control
// values, the arrays (address, element type, shape) and the concrete bound
// values of the tensor maps (README.md, "C ABI").
//
//===----------------------------------------------------------------------===//

#ifndef APPROX_ML_ARGS_H
#define APPROX_ML_ARGS_H

#include <cstdint>
#include <vector>

namespace approx::ml {

enum class ElemType { F32 = 0, F64 = 1, I32 = 2, I64 = 3 };

struct Array {
  void *address; // element [0, 0, ...]
  ElemType type;
  std::vector<int64_t> sizes, strides; // strides in elements
};

struct Args {
  enum class Mode { Infer = 0, Collect = 1, Predicated = 2 };
  Mode mode;
  int64_t predicate;
  int64_t enabled;
  int64_t modelChoice;
  std::vector<Array> arrays;
  std::vector<int64_t> bounds;
};

/// Decodes `count` words; throws Error when they are malformed.
Args decodeArgs(const int64_t *words, int64_t count);

} // namespace approx::ml

#endif // APPROX_ML_ARGS_H
