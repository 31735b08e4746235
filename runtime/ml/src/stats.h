//===- stats.h - Per-region statistics (APPROX_ML_STATS)
//-------------------===//

#ifndef APPROX_ML_STATS_H
#define APPROX_ML_STATS_H

#include <cstdint>
#include <map>
#include <string>

namespace approx::ml {

struct Stats {
  int64_t calls = 0, inferences = 0, collections = 0;
  // Seconds.
  double bridgeIn = 0, inference = 0, bridgeOut = 0, exact = 0, collectIo = 0,
         modelLoad = 0;

  Stats &operator+=(const Stats &other);
};

/// Writes {"<region>": {"calls": ..., "bridge_in": ..., ...}, ...} to
/// `path`; throws Error when the file cannot be written.
void writeStats(const std::string &path,
                const std::map<std::string, Stats> &regions);

} // namespace approx::ml

#endif // APPROX_ML_STATS_H
