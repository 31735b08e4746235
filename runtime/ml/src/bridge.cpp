//===- bridge.cpp - The data bridge
//----------------------------------------===//

#include "bridge.h"

#include <ATen/ops/empty.h>
#include <ATen/ops/from_blob.h>

#include <string>

namespace approx::ml {
namespace {

std::string shapeString(at::IntArrayRef shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

at::ScalarType scalarType(ElemType type) {
  switch (type) {
  case ElemType::F32:
    return at::kFloat;
  case ElemType::F64:
    return at::kDouble;
  case ElemType::I32:
    return at::kInt;
  case ElemType::I64:
    return at::kLong;
  }
  throw Error("unknown element type");
}

/// Names a map target in errors: "map 0 (to ifn), target 1 (array 't')",
/// or "(array 2)" when the spec has no `arrays` line.
struct Place {
  size_t map;
  const Map &spec;
  const Functor &functor;
  size_t target;
  const std::vector<std::string> &arrayNames;

  std::string str() const {
    size_t array = spec.targets[target].array;
    std::string name = array < arrayNames.size() ? "'" + arrayNames[array] + "'"
                                                 : std::to_string(array);
    return "map " + std::to_string(map) + " (" +
           (spec.direction == Map::Direction::To ? "to " : "from ") +
           functor.name + "), target " + std::to_string(target) + " (array " +
           name + ")";
  }
};

int64_t boundValue(const Args &args, int64_t index, const Place &place) {
  if (index >= static_cast<int64_t>(args.bounds.size()))
    throw Error(place.str() + ": bound index " + std::to_string(index) +
                " but the call has " + std::to_string(args.bounds.size()) +
                " bound values");
  return args.bounds[index];
}

/// The concrete range of each LHS symbol at this call.
struct SymbolRange {
  int64_t lo, step, extent;
};

std::vector<SymbolRange> symbolRanges(const Target &target, const Args &args,
                                      const Place &place) {
  std::vector<SymbolRange> ranges;
  for (size_t s = 0; s < target.ranges.size(); ++s) {
    int64_t lo = boundValue(args, target.ranges[s].lo, place);
    int64_t hi = boundValue(args, target.ranges[s].hi, place);
    int64_t step = boundValue(args, target.ranges[s].step, place);
    if (step < 1)
      throw Error(place.str() + ": symbol " + std::to_string(s) + " has step " +
                  std::to_string(step) + " (must be >= 1)");
    ranges.push_back({lo, step, hi > lo ? (hi - lo + step - 1) / step : 0});
  }
  return ranges;
}

/// Symbolic shape resolution and tensor wrapping of one slice on one target,
/// after checking every index it touches.
at::Tensor sliceView(const Slice &slice, size_t sliceIndex,
                     const Target &target,
                     const std::vector<SymbolRange> &ranges, const Args &args,
                     const Place &place) {
  if (target.array >= static_cast<int64_t>(args.arrays.size()))
    throw Error(place.str() + ": the call has " +
                std::to_string(args.arrays.size()) + " arrays");
  const Array &array = args.arrays[target.array];
  std::string where = place.str() + ", slice " + std::to_string(sliceIndex);
  if (slice.dims.size() != array.sizes.size())
    throw Error(where + " has " + std::to_string(slice.dims.size()) +
                " dims but the array has rank " +
                std::to_string(array.sizes.size()));

  std::vector<int64_t> sizes, strides(ranges.size(), 0);
  for (const SymbolRange &range : ranges)
    sizes.push_back(range.extent);
  // First and last index touched in each array dimension.
  std::vector<int64_t> first, last;
  for (const SliceDim &dim : slice.dims) {
    int64_t stride = array.strides[first.size()];
    int64_t start = dim.lo, end = dim.lo;
    if (dim.isSymbolic()) {
      const SymbolRange &range = ranges[dim.symbol];
      start += range.lo;
      end = start + (range.extent - 1) * range.step;
      strides[dim.symbol] += range.step * stride;
    }
    if (dim.isRange()) {
      sizes.push_back(dim.extent());
      strides.push_back(dim.step * stride);
      end += (dim.extent() - 1) * dim.step;
    }
    first.push_back(start);
    last.push_back(end);
  }

  int64_t offset = 0;
  for (size_t d = 0; d < first.size(); ++d)
    offset += first[d] * array.strides[d];
  bool empty = false;
  for (int64_t size : sizes)
    empty |= size == 0;
  if (target.offsetBound >= 0) {
    // Pointer arithmetic: check the linear element range instead.
    int64_t shift = boundValue(args, target.offsetBound, place);
    int64_t lowest = shift + offset, highest = shift, span = 0;
    bool arrayEmpty = false;
    for (size_t d = 0; d < first.size(); ++d) {
      highest += last[d] * array.strides[d];
      span += (array.sizes[d] - 1) * array.strides[d];
      arrayEmpty |= array.sizes[d] == 0;
    }
    if (!empty && (arrayEmpty || lowest < 0 || highest > span))
      throw Error(where + " touches elements " + std::to_string(lowest) + ".." +
                  std::to_string(highest) + " (with offset " +
                  std::to_string(shift) + ") outside the array's elements 0.." +
                  std::to_string(span));
    offset += shift;
  } else if (!empty) {
    for (size_t d = 0; d < first.size(); ++d)
      if (first[d] < 0 || last[d] >= array.sizes[d])
        throw Error(where + ", dim " + std::to_string(d) + " touches indices " +
                    std::to_string(first[d]) + ".." + std::to_string(last[d]) +
                    " outside [0, " + std::to_string(array.sizes[d]) + ")");
  }

  at::ScalarType type = scalarType(array.type);
  char *data =
      static_cast<char *>(array.address) +
      (empty ? 0 : offset * static_cast<int64_t>(at::elementSize(type)));
  return at::from_blob(data, sizes, strides, at::TensorOptions().dtype(type));
}

std::vector<int64_t> withFeatures(const Views &views) {
  std::vector<int64_t> shape = views.sweep;
  shape.push_back(views.features);
  return shape;
}

} // namespace

Views resolveMaps(const Spec &spec, const std::vector<size_t> &maps,
                  const Args &args) {
  Views views;
  std::string sweepOwner; // the first map's place, for mismatch errors
  for (size_t m : maps) {
    const Map &map = spec.maps[m];
    const Functor &functor = spec.functors[map.functor];
    for (size_t k = 0; k < functor.slices.size(); ++k) {
      size_t t = map.targets.size() == 1 ? 0 : k;
      Place place{m, map, functor, t, spec.arrayNames};
      std::vector<SymbolRange> ranges =
          symbolRanges(map.targets[t], args, place);
      std::vector<int64_t> sweep;
      for (const SymbolRange &range : ranges)
        sweep.push_back(range.extent);
      if (sweepOwner.empty()) {
        views.sweep = sweep;
        sweepOwner = place.str();
      } else if (sweep != views.sweep) {
        throw Error(place.str() + " sweeps " + shapeString(sweep) + " but " +
                    sweepOwner + " sweeps " + shapeString(views.sweep));
      }
      views.slices.push_back(
          {sliceView(functor.slices[k], k, map.targets[t], ranges, args, place),
           functor.slices[k].features});
      views.features += functor.slices[k].features;
    }
  }
  return views;
}

RegionViews resolveRegion(const Spec &spec, const Args &args) {
  RegionViews region{resolveMaps(spec, spec.in, args),
                     resolveMaps(spec, spec.out, args)};
  if (region.inputs.sweep != region.outputs.sweep)
    throw Error("the in maps sweep " + shapeString(region.inputs.sweep) +
                " but the out maps sweep " + shapeString(region.outputs.sweep));
  return region;
}

at::Tensor compose(const Views &views, at::ScalarType type,
                   const at::Tensor &reuse) {
  std::vector<int64_t> shape = withFeatures(views);
  at::Tensor result = reuse.defined() && reuse.scalar_type() == type &&
                              reuse.sizes() == at::IntArrayRef(shape)
                          ? reuse
                          : at::empty(shape, at::TensorOptions().dtype(type));
  int64_t offset = 0;
  for (const SliceView &slice : views.slices) {
    // The narrowed part is contiguous in its last dimension, so it can be
    // viewed with the slice's range dims split out.
    result.narrow(-1, offset, slice.features)
        .view(slice.view.sizes())
        .copy_(slice.view);
    offset += slice.features;
  }
  return result;
}

void scatter(const at::Tensor &values, const Views &views) {
  std::vector<int64_t> expected = withFeatures(views);
  if (values.sizes() != at::IntArrayRef(expected))
    throw Error("the model output has shape " + shapeString(values.sizes()) +
                ", the out maps expect " + shapeString(expected));
  int64_t offset = 0;
  for (const SliceView &slice : views.slices) {
    slice.view.copy_(
        values.narrow(-1, offset, slice.features).reshape(slice.view.sizes()));
    offset += slice.features;
  }
}

} // namespace approx::ml
