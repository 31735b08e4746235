//===- ml_runtime.cpp - The C entry points and execution control ----------===//
//
// Section IV.B of the HPAC-ML paper. approx_ml_enter decides per call
// between inference, collection and the exact code; a collection composes
// the inputs on entry (before the exact code may overwrite them) and records
// them with the outputs and the exact code's time in approx_ml_exit.
//
//===----------------------------------------------------------------------===//

#include "approx/ml.h"

#include "args.h"
#include "bridge.h"
#include "collector.h"
#include "inference.h"
#include "spec.h"
#include "stats.h"

#include <c10/core/InferenceMode.h>
#include <c10/util/Exception.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <unistd.h>
#include <unordered_map>

namespace approx::ml {
namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

class Region {
public:
  explicit Region(std::string_view text) : text(text), spec(parseSpec(text)) {}

  int32_t enter(const Args &args);
  void exit(const Args &args);

  const std::string text;
  const Spec spec;

  Stats stats() {
    std::lock_guard<std::mutex> lock(mutex);
    return totals;
  }

private:
  void record(const Stats &call) {
    std::lock_guard<std::mutex> lock(mutex);
    totals += call;
  }

  std::mutex mutex; // guards totals
  Stats totals;
};

/// A collection in progress on this thread: the inputs composed on entry and
/// the time the exact code started.
struct Pending {
  at::Tensor inputs;
  Clock::time_point start;
};
thread_local std::unordered_map<const Region *, Pending> pending;

/// The last model input of each region on this thread, reused by the next
/// call of the same shape (nothing keeps it between calls).
thread_local std::unordered_map<const Region *, at::Tensor> modelInputs;

int32_t Region::enter(const Args &args) {
  Stats call;
  call.calls = 1;
  bool infer = args.mode == Args::Mode::Infer ||
               (args.mode == Args::Mode::Predicated && args.predicate != 0);
  if (!args.enabled || (infer && args.modelChoice == -1)) {
    record(call);
    return 0;
  }

  Clock::time_point start = Clock::now();
  RegionViews views = resolveRegion(spec, args);
  if (infer) {
    if (spec.model.empty())
      throw Error("inference needs a model(...) clause");
    // Loading is a one-time cost: kept out of the bridge and inference times.
    Clock::time_point resolved = Clock::now();
    loadModel(modelPath(spec.model, args.modelChoice));
    Clock::time_point loaded = Clock::now();
    call.modelLoad = seconds(resolved, loaded);
    start += loaded - resolved;
    at::Tensor &input = modelInputs[this];
    input = compose(views.inputs, at::kFloat, input);
    Clock::time_point composed = Clock::now();
    at::Tensor output =
        runModel(modelPath(spec.model, args.modelChoice), input);
    Clock::time_point inferred = Clock::now();
    scatter(output, views.outputs);
    call.inferences = 1;
    call.bridgeIn = seconds(start, composed);
    call.inference = seconds(composed, inferred);
    call.bridgeOut = seconds(inferred, Clock::now());
    record(call);
    return 1;
  }

  if (spec.database.empty())
    throw Error("collection needs a database(...) clause");
  at::Tensor input = compose(views.inputs, at::kDouble);
  Clock::time_point composed = Clock::now();
  call.bridgeIn = seconds(start, composed);
  record(call);
  pending[this] = {input, composed};
  return 0;
}

void Region::exit(const Args &args) {
  Clock::time_point end = Clock::now();
  auto found = pending.find(this);
  if (found == pending.end())
    return; // the exact code ran without collection
  Pending started = std::move(found->second);
  pending.erase(found);

  // The inputs were composed at entry: only the outputs are resolved now.
  Views outputs = resolveMaps(spec, spec.out, args);
  at::Tensor output = compose(outputs, at::kDouble);
  Clock::time_point composed = Clock::now();
  at::IntArrayRef sweep =
      started.inputs.sizes().slice(0, started.inputs.dim() - 1);
  if (sweep != at::IntArrayRef(outputs.sweep))
    throw Error("the maps sweep " + c10::str(at::IntArrayRef(outputs.sweep)) +
                " at exit but " + c10::str(sweep) + " at entry");
  std::vector<int64_t> shape(sweep.begin(), sweep.end());
  collect(spec.database, spec.name, spec.location,
          Sample{started.inputs.data_ptr<double>(), output.data_ptr<double>(),
                 output.numel() / output.size(-1), started.inputs.size(-1),
                 output.size(-1), shape, seconds(started.start, end)});
  Stats call;
  call.collections = 1;
  call.exact = seconds(started.start, end);
  call.bridgeOut = seconds(end, composed);
  call.collectIo = seconds(composed, Clock::now());
  record(call);
}

[[noreturn]] void fail(const std::string &location, const std::string &what) {
  std::fprintf(stderr, "%s: error: %s\n", location.c_str(), what.c_str());
  std::fflush(stderr);
  // The exit handler flushes the databases.
  std::exit(2);
}

void finishAtExit();

/// The regions seen so far, by spec address. Never destroyed: the exit
/// handler needs it after static destructors may have run.
class Registry {
public:
  Region &find(std::string_view text) {
    std::lock_guard<std::mutex> lock(mutex);
    if (regions.empty()) {
      initDatabases();
      std::atexit(finishAtExit);
    }
    Region *&region = byAddress[text.data()];
    // Compare the text too: a freed spec's address may be reused.
    if (!region || region->text != text) {
      regions.push_back(std::make_unique<Region>(text));
      region = regions.back().get();
    }
    return *region;
  }

  std::map<std::string, Stats> statsByName() {
    std::lock_guard<std::mutex> lock(mutex);
    std::map<std::string, Stats> result;
    for (auto &region : regions)
      result[region->spec.name] += region->stats();
    return result;
  }

private:
  std::mutex mutex;
  std::unordered_map<const char *, Region *> byAddress;
  std::vector<std::unique_ptr<Region>> regions;
};

Registry &registry() {
  static auto *instance = new Registry;
  return *instance;
}

void finishAtExit() {
  bool failed = false;
  for (const auto &[location, what] : finishDatabases()) {
    std::fprintf(stderr, "%s: error: %s\n", location.c_str(), what.c_str());
    failed = true;
  }
  if (const char *path = std::getenv("APPROX_ML_STATS")) {
    try {
      writeStats(path, registry().statsByName());
    } catch (const Error &e) {
      std::fprintf(stderr, "approx_ml: error: %s\n", e.what());
      failed = true;
    }
  }
  if (failed) {
    // exit() may not be called again from an exit handler.
    std::fflush(nullptr);
    _exit(2);
  }
}

/// Runs one entry point, turning every failure into fail().
template <typename Body>
auto guarded(const char *specData, int64_t specOffset, int64_t specSize,
             int64_t specStride, const int64_t *argsData, int64_t argsOffset,
             int64_t argsSize, int64_t argsStride, Body body) {
  Region *region = nullptr;
  auto location = [&] {
    return region ? region->spec.location : std::string("<unknown>:0");
  };
  try {
    if (specStride != 1 || argsStride != 1)
      throw Error("the spec and args memrefs must have stride 1");
    region =
        &registry().find(std::string_view(specData + specOffset, specSize));
    c10::InferenceMode guard;
    return body(*region, decodeArgs(argsData + argsOffset, argsSize));
  } catch (const SpecError &e) {
    fail(e.location, e.what());
  } catch (const c10::Error &e) {
    fail(location(), e.what_without_backtrace());
  } catch (const std::exception &e) {
    fail(location(), e.what());
  }
}

} // namespace
} // namespace approx::ml

using approx::ml::Args;
using approx::ml::Region;

int32_t approx_ml_enter(const char *, const char *spec, int64_t spec_offset,
                        int64_t spec_size, int64_t spec_stride, const int64_t *,
                        const int64_t *args, int64_t args_offset,
                        int64_t args_size, int64_t args_stride) {
  return approx::ml::guarded(spec, spec_offset, spec_size, spec_stride, args,
                             args_offset, args_size, args_stride,
                             [](Region &region, const Args &decoded) {
                               return region.enter(decoded);
                             });
}

void approx_ml_exit(const char *, const char *spec, int64_t spec_offset,
                    int64_t spec_size, int64_t spec_stride, const int64_t *,
                    const int64_t *args, int64_t args_offset, int64_t args_size,
                    int64_t args_stride) {
  approx::ml::guarded(
      spec, spec_offset, spec_size, spec_stride, args, args_offset, args_size,
      args_stride,
      [](Region &region, const Args &decoded) { region.exit(decoded); });
}
