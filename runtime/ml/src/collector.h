//===- collector.h - HDF5 training-data collection
//-------------------------===//
//
// Collect mode records the inputs and outputs of each call (one row per sweep
// point) and the seconds of the exact code into one HDF5 file per
// database(...) path, one group per region (README.md, "HDF5 layout").
// Calls are buffered and written in batches; each batch is flushed in SWMR
// mode so that a killed process leaves a readable file.
//
//===----------------------------------------------------------------------===//

#ifndef APPROX_ML_COLLECTOR_H
#define APPROX_ML_COLLECTOR_H

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace approx::ml {

/// One collected call.
struct Sample {
  const double *inputs;  // rows x inFeatures, row-major
  const double *outputs; // rows x outFeatures, row-major
  int64_t rows, inFeatures, outFeatures;
  const std::vector<int64_t> &sweep;
  double seconds; // of the exact code
};

/// Initializes HDF5. Call it before registering an exit handler that calls
/// finishDatabases: HDF5 closes its files in its own exit handler, which
/// must run after ours.
void initDatabases();

/// Buffers `sample` for `region` (whose location is `source`) in `database`,
/// writing a batch when enough is buffered. Throws Error on HDF5 failures.
void collect(const std::string &database, const std::string &region,
             const std::string &source, const Sample &sample);

/// Writes every buffered call and closes the files; later collect() calls
/// reopen them. Returns the failures as (region source, message) pairs.
std::vector<std::pair<std::string, std::string>> finishDatabases();

} // namespace approx::ml

#endif // APPROX_ML_COLLECTOR_H
