//===- spec.h - The text spec of an ML region
//------------------------------===//
//
// The frontend describes each `#pragma approx ml` region (its functors, tensor
// maps, model and database) in a line-based text (README.md, "Spec text").
// parseSpec turns it into the structs below and checks everything that does
// not depend on run-time values: arities, symbol indices, feature counts.
//
//===----------------------------------------------------------------------===//

#ifndef APPROX_ML_SPEC_H
#define APPROX_ML_SPEC_H

#include "error.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace approx::ml {

/// One dimension of a RHS slice: `s` sym+lo, `r` sym+lo:sym+hi:step,
/// `c` lo, `k` lo:hi:step.
struct SliceDim {
  enum class Kind { SymbolIndex, SymbolRange, ConstIndex, ConstRange };
  Kind kind;
  int64_t symbol; // LHS symbol index, -1 for constant kinds
  int64_t lo, hi, step;

  bool isRange() const {
    return kind == Kind::SymbolRange || kind == Kind::ConstRange;
  }
  bool isSymbolic() const {
    return kind == Kind::SymbolIndex || kind == Kind::SymbolRange;
  }
  /// Elements of the dimension for one sweep point (1 for indices).
  int64_t extent() const { return isRange() ? (hi - lo + step - 1) / step : 1; }
};

struct Slice {
  std::vector<SliceDim> dims;
  int64_t features; // product of the range dims' extents
};

struct Functor {
  std::string name;
  int64_t symbols;  // LHS symbols (i, j, ...)
  int64_t features; // LHS feature count
  std::vector<Slice> slices;
};

/// Bound-value indices of a concrete range `lo:hi:step`.
struct BoundRange {
  int64_t lo, hi, step;
};

struct Target {
  int64_t array;       // index of the array in the argument words
  int64_t offsetBound; // bound index of an element offset, -1 for none
  std::vector<BoundRange> ranges; // one per LHS symbol
};

struct Map {
  enum class Direction { To, From };
  Direction direction;
  size_t functor; // index into Spec::functors
  std::vector<Target> targets;
};

struct Spec {
  std::string name;
  std::string location;                // "file:line" of the region, for errors
  std::string model;                   // empty: no model(...)
  std::string database;                // empty: no database(...)
  std::vector<std::string> arrayNames; // source names, for errors (optional)
  std::vector<Functor> functors;
  std::vector<Map> maps;
  std::vector<size_t> in, out; // indices into maps
};

/// A malformed spec; `location` is the region's "file:line" when its region
/// line could be read, else "<unknown>:0".
class SpecError : public Error {
public:
  SpecError(std::string location, const std::string &what)
      : Error(what), location(std::move(location)) {}
  std::string location;
};

Spec parseSpec(std::string_view text);

} // namespace approx::ml

#endif // APPROX_ML_SPEC_H
