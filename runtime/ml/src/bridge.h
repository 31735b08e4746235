//===- bridge.h - The data bridge: application arrays <-> tensors ---------===//
//
// Section IV.A of the HPAC-ML paper. Every RHS slice of a tensor map applied
// to its target becomes a zero-copy strided view of application memory of
// shape [n_0, ..., n_{S-1}, m_1, ..., m_R] (the sweep of the LHS symbols,
// then the extents of the slice's range dims). Composition copies the views
// side by side into one [n_0, ..., n_{S-1}, F] tensor (a concatenation along
// the last dimension); the reverse mapping splits a tensor along its last
// dimension and copies each part into its view.
//
//===----------------------------------------------------------------------===//

#ifndef APPROX_ML_BRIDGE_H
#define APPROX_ML_BRIDGE_H

#include "args.h"
#include "spec.h"

#include <ATen/core/Tensor.h>

namespace approx::ml {

struct SliceView {
  at::Tensor view;  // over application memory
  int64_t features; // product of the view's range extents
};

/// The views of a list of maps, in feature order.
struct Views {
  std::vector<int64_t> sweep; // [n_0, ..., n_{S-1}]
  int64_t features = 0;
  std::vector<SliceView> slices;
};

struct RegionViews {
  Views inputs;  // the `in` maps
  Views outputs; // the `out` maps
};

/// Resolves `maps` (indices into spec.maps) for one call: symbolic shape
/// resolution, bounds checks of every index touched, and the views. Throws
/// Error on an out-of-bounds slice or when the maps sweep different shapes.
Views resolveMaps(const Spec &spec, const std::vector<size_t> &maps,
                  const Args &args);

/// Resolves the region's maps for one call: symbolic shape resolution,
/// bounds checks of every index touched, and the views. Throws Error on an
/// out-of-bounds slice or when the maps sweep different shapes.
RegionViews resolveRegion(const Spec &spec, const Args &args);

/// A contiguous [sweep..., features] tensor of `type` holding the views:
/// `reuse` when it has that shape and type (saving an allocation and its
/// page faults per call), else a new one.
at::Tensor compose(const Views &views, at::ScalarType type,
                   const at::Tensor &reuse = {});

/// Writes `values` ([sweep..., features]) into the views, converting to the
/// arrays' element types. Throws Error when the shape differs.
void scatter(const at::Tensor &values, const Views &views);

} // namespace approx::ml

#endif // APPROX_ML_BRIDGE_H
