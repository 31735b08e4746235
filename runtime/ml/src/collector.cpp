//===- collector.cpp - HDF5 training-data collection
//-----------------------===//
//
// HDF5 1.10 forbids creating objects while a file is in SWMR write mode, and
// regions show up one by one, so a new region closes the file, adds its group
// and restarts SWMR writing. Within a batch the calls dataset is written
// last: on reopening, the longest prefix of calls whose rows were all written
// is kept and anything after it (a batch cut short by a kill) is dropped.
//
//===----------------------------------------------------------------------===//

#include "collector.h"

#include "error.h"

#include <hdf5.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>

namespace approx::ml {
namespace {

constexpr size_t kBatchCalls = 64;
constexpr size_t kBatchBytes = size_t(1) << 20;
constexpr hsize_t kChunkBytes = 64 * 1024;

/// Silences HDF5's own error printing while the runtime reports errors
/// itself, restoring the application's setting afterwards.
class QuietErrors {
public:
  QuietErrors() {
    H5Eget_auto2(H5E_DEFAULT, &function, &data);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietErrors() { H5Eset_auto2(H5E_DEFAULT, function, data); }

private:
  H5E_auto2_t function = nullptr;
  void *data = nullptr;
};

/// The innermost message on HDF5's error stack.
std::string hdf5Reason() {
  std::string reason = "unknown HDF5 error";
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t *error, void *out) -> herr_t {
        if (error->desc)
          *static_cast<std::string *>(out) = error->desc;
        return 0;
      },
      &reason);
  return reason;
}

/// An owned HDF5 identifier.
class Id {
public:
  Id(hid_t id, herr_t (*close)(hid_t)) : id(id), close(close) {}
  Id(const Id &) = delete;
  Id &operator=(const Id &) = delete;
  ~Id() {
    if (id >= 0)
      close(id);
  }
  operator hid_t() const { return id; }

private:
  hid_t id;
  herr_t (*close)(hid_t);
};

struct RegionData {
  std::string name, source;
  int64_t inFeatures, outFeatures;
  std::vector<int64_t> sweep; // of the latest call
  // Buffered calls.
  std::vector<double> inputs, outputs, timings;
  std::vector<int64_t> calls; // (first row, row count) pairs
  int64_t fileRows = 0, pendingRows = 0;
  hid_t group = -1, inputSet = -1, outputSet = -1, callSet = -1, timingSet = -1;

  size_t pendingCalls() const { return timings.size(); }
  void dropPending() {
    inputs.clear();
    outputs.clear();
    timings.clear();
    calls.clear();
    pendingRows = 0;
  }
  size_t pendingBytes() const {
    return (inputs.size() + outputs.size()) * sizeof(double);
  }
};

std::vector<hsize_t> extent(hid_t dataset) {
  Id space(H5Dget_space(dataset), H5Sclose);
  std::vector<hsize_t> dims(std::max(H5Sget_simple_extent_ndims(space), 0));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  return dims;
}

class Database {
public:
  explicit Database(std::string path) : path(std::move(path)) {}

  void append(const std::string &region, const std::string &source,
              const Sample &sample);
  /// Writes the buffers and closes the file.
  void finish();
  /// Closes the file after a failure, dropping the buffers.
  void abandon();
  /// A region's location, to report the database's errors at.
  const std::string &source() const { return regions.front()->source; }

private:
  template <typename T> T check(T result, const std::string &what) const {
    if (result < 0)
      throw Error("database '" + path + "': " + what + ": " + hdf5Reason());
    return result;
  }

  void open();
  void close();
  void openRegion(RegionData &region);
  void createRegion(RegionData &region);
  void recover(RegionData &region);
  hid_t openDataset(RegionData &region, const char *name, int64_t columns);
  hid_t createDataset(hid_t group, const char *name, hid_t type,
                      int64_t columns);
  void setRows(hid_t dataset, hsize_t rows);
  void appendRows(hid_t dataset, hid_t memoryType, const void *data,
                  hsize_t rows);
  void writeSweep(RegionData &region);
  void flush(RegionData &region);

  std::string path;
  hid_t file = -1;
  std::vector<std::unique_ptr<RegionData>> regions;
};

void Database::open() {
  Id access(check(H5Pcreate(H5P_FILE_ACCESS), "file access list"), H5Pclose);
  check(H5Pset_libver_bounds(access, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST),
        "library version bounds");
  std::error_code ignored;
  if (std::filesystem::exists(path, ignored)) {
    file = H5Fopen(path.c_str(), H5F_ACC_RDWR, access);
    if (file < 0) {
      // A writer killed in SWMR mode leaves the file marked as open; clear
      // the mark as h5clear does (one process writes a database at a time).
      hbool_t clear = true;
      check(H5Pset(access, "clear_status_flags", &clear), "open");
      file = check(H5Fopen(path.c_str(), H5F_ACC_RDWR, access), "open");
    }
  } else {
    file = check(H5Fcreate(path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, access),
                 "create");
  }
  for (auto &region : regions)
    openRegion(*region);
  check(H5Fstart_swmr_write(file), "start SWMR writing");
}

void Database::close() {
  for (auto &region : regions) {
    for (hid_t *dataset : {&region->inputSet, &region->outputSet,
                           &region->callSet, &region->timingSet}) {
      if (*dataset >= 0)
        H5Dclose(*dataset);
      *dataset = -1;
    }
    if (region->group >= 0)
      H5Gclose(region->group);
    region->group = -1;
  }
  herr_t status = file >= 0 ? H5Fclose(file) : 0;
  file = -1;
  check(status, "close");
}

void Database::openRegion(RegionData &region) {
  const char *name = region.name.c_str();
  if (check(H5Lexists(file, name, H5P_DEFAULT), "look up group") > 0) {
    region.group = check(H5Gopen2(file, name, H5P_DEFAULT), "open group");
    region.inputSet = openDataset(region, "inputs", region.inFeatures);
    region.outputSet = openDataset(region, "outputs", region.outFeatures);
    region.callSet = openDataset(region, "calls", 2);
    region.timingSet = openDataset(region, "timings", 0);
    recover(region);
  } else {
    createRegion(region);
  }
  writeSweep(region);
}

hid_t Database::openDataset(RegionData &region, const char *name,
                            int64_t columns) {
  hid_t dataset = check(H5Dopen2(region.group, name, H5P_DEFAULT),
                        "open " + region.name + "/" + name);
  std::vector<hsize_t> dims = extent(dataset);
  bool matches = columns == 0 ? dims.size() == 1
                              : dims.size() == 2 && dims[1] == hsize_t(columns);
  if (!matches)
    throw Error("database '" + path + "': " + region.name + "/" + name +
                " has shape [" + std::to_string(dims.empty() ? 0 : dims[0]) +
                (dims.size() == 2 ? ", " + std::to_string(dims[1]) : "") +
                "], the region needs " +
                (columns ? std::to_string(columns) + " columns" : "1-D"));
  return dataset;
}

void Database::recover(RegionData &region) {
  hsize_t inputRows = extent(region.inputSet)[0];
  hsize_t outputRows = extent(region.outputSet)[0];
  hsize_t timingCount = extent(region.timingSet)[0];
  hsize_t callCount = extent(region.callSet)[0];
  std::vector<int64_t> calls(2 * callCount);
  if (callCount > 0)
    check(H5Dread(region.callSet, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL,
                  H5P_DEFAULT, calls.data()),
          "read " + region.name + "/calls");
  hsize_t kept = 0, rows = 0;
  hsize_t limit = std::min({inputRows, outputRows});
  while (kept < std::min(callCount, timingCount) &&
         calls[2 * kept] == int64_t(rows) && calls[2 * kept + 1] >= 0 &&
         rows + calls[2 * kept + 1] <= limit)
    rows += calls[2 * kept++ + 1];
  if (kept != callCount)
    setRows(region.callSet, kept);
  if (kept != timingCount)
    setRows(region.timingSet, kept);
  if (rows != inputRows)
    setRows(region.inputSet, rows);
  if (rows != outputRows)
    setRows(region.outputSet, rows);
  region.fileRows = rows;
}

void Database::createRegion(RegionData &region) {
  region.group = check(H5Gcreate2(file, region.name.c_str(), H5P_DEFAULT,
                                  H5P_DEFAULT, H5P_DEFAULT),
                       "create group " + region.name);
  region.inputSet =
      createDataset(region.group, "inputs", H5T_IEEE_F64LE, region.inFeatures);
  region.outputSet = createDataset(region.group, "outputs", H5T_IEEE_F64LE,
                                   region.outFeatures);
  region.callSet = createDataset(region.group, "calls", H5T_STD_I64LE, 2);
  region.timingSet = createDataset(region.group, "timings", H5T_IEEE_F64LE, 0);
  region.fileRows = 0;

  Id text(check(H5Tcopy(H5T_C_S1), "string type"), H5Tclose);
  check(H5Tset_size(text, H5T_VARIABLE), "string type");
  check(H5Tset_cset(text, H5T_CSET_UTF8), "string type");
  Id scalar(check(H5Screate(H5S_SCALAR), "attribute space"), H5Sclose);
  Id source(check(H5Acreate2(region.group, "source", text, scalar, H5P_DEFAULT,
                             H5P_DEFAULT),
                  "create source attribute"),
            H5Aclose);
  const char *value = region.source.c_str();
  check(H5Awrite(source, text, &value), "write source attribute");
}

hid_t Database::createDataset(hid_t group, const char *name, hid_t type,
                              int64_t columns) {
  int rank = columns ? 2 : 1;
  hsize_t dims[2] = {0, hsize_t(columns)};
  hsize_t maxDims[2] = {H5S_UNLIMITED, hsize_t(columns)};
  hsize_t chunk[2] = {
      std::max<hsize_t>(1, kChunkBytes / (8 * std::max<hsize_t>(columns, 1))),
      hsize_t(columns)};
  Id space(check(H5Screate_simple(rank, dims, maxDims), "dataspace"), H5Sclose);
  Id create(check(H5Pcreate(H5P_DATASET_CREATE), "dataset list"), H5Pclose);
  check(H5Pset_chunk(create, rank, chunk), "chunking");
  return check(
      H5Dcreate2(group, name, type, space, H5P_DEFAULT, create, H5P_DEFAULT),
      std::string("create dataset ") + name);
}

void Database::setRows(hid_t dataset, hsize_t rows) {
  std::vector<hsize_t> dims = extent(dataset);
  dims[0] = rows;
  check(H5Dset_extent(dataset, dims.data()), "resize dataset");
}

void Database::appendRows(hid_t dataset, hid_t memoryType, const void *data,
                          hsize_t rows) {
  if (rows == 0)
    return;
  std::vector<hsize_t> dims = extent(dataset);
  std::vector<hsize_t> start(dims.size(), 0), count = dims;
  start[0] = dims[0];
  count[0] = rows;
  setRows(dataset, dims[0] + rows);
  Id fileSpace(check(H5Dget_space(dataset), "dataspace"), H5Sclose);
  check(H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, start.data(), nullptr,
                            count.data(), nullptr),
        "select rows");
  Id memorySpace(
      check(H5Screate_simple(int(count.size()), count.data(), nullptr),
            "dataspace"),
      H5Sclose);
  check(
      H5Dwrite(dataset, memoryType, memorySpace, fileSpace, H5P_DEFAULT, data),
      "write rows");
}

void Database::writeSweep(RegionData &region) {
  const char *name = "sweep_shape";
  // Recreated on each open, in case the region's rank changed.
  if (check(H5Aexists(region.group, name), "look up sweep_shape") > 0)
    check(H5Adelete(region.group, name), "delete sweep_shape");
  hsize_t size = region.sweep.size();
  Id space(check(H5Screate_simple(1, &size, nullptr), "dataspace"), H5Sclose);
  Id attribute(check(H5Acreate2(region.group, name, H5T_STD_I64LE, space,
                                H5P_DEFAULT, H5P_DEFAULT),
                     "create sweep_shape"),
               H5Aclose);
  check(H5Awrite(attribute, H5T_NATIVE_INT64, region.sweep.data()),
        "write sweep_shape");
}

void Database::flush(RegionData &region) {
  if (region.pendingCalls() == 0)
    return;
  appendRows(region.inputSet, H5T_NATIVE_DOUBLE, region.inputs.data(),
             region.pendingRows);
  appendRows(region.outputSet, H5T_NATIVE_DOUBLE, region.outputs.data(),
             region.pendingRows);
  appendRows(region.timingSet, H5T_NATIVE_DOUBLE, region.timings.data(),
             region.pendingCalls());
  // Last: a call is complete once its record is in the file.
  appendRows(region.callSet, H5T_NATIVE_INT64, region.calls.data(),
             region.pendingCalls());
  Id attribute(check(H5Aopen(region.group, "sweep_shape", H5P_DEFAULT),
                     "open sweep_shape"),
               H5Aclose);
  check(H5Awrite(attribute, H5T_NATIVE_INT64, region.sweep.data()),
        "write sweep_shape");
  check(H5Fflush(file, H5F_SCOPE_LOCAL), "flush");
  region.fileRows += region.pendingRows;
  region.dropPending();
}

void Database::append(const std::string &name, const std::string &source,
                      const Sample &sample) {
  auto found = std::find_if(regions.begin(), regions.end(),
                            [&](const auto &r) { return r->name == name; });
  RegionData *region = nullptr;
  if (found == regions.end() || file < 0) {
    if (found == regions.end()) {
      regions.push_back(std::make_unique<RegionData>());
      region = regions.back().get();
      region->name = name;
      region->source = source;
      region->inFeatures = sample.inFeatures;
      region->outFeatures = sample.outFeatures;
      region->sweep = sample.sweep;
    }
    if (file >= 0)
      close();
    open();
  }
  region = region ? region : found->get();
  if (region->inFeatures != sample.inFeatures ||
      region->outFeatures != sample.outFeatures)
    throw Error("database '" + path + "': region '" + name + "' collects " +
                std::to_string(sample.inFeatures) + " -> " +
                std::to_string(sample.outFeatures) +
                " features, but another region of that name collects " +
                std::to_string(region->inFeatures) + " -> " +
                std::to_string(region->outFeatures));

  region->calls.push_back(region->fileRows + region->pendingRows);
  region->calls.push_back(sample.rows);
  region->inputs.insert(region->inputs.end(), sample.inputs,
                        sample.inputs + sample.rows * sample.inFeatures);
  region->outputs.insert(region->outputs.end(), sample.outputs,
                         sample.outputs + sample.rows * sample.outFeatures);
  region->timings.push_back(sample.seconds);
  region->sweep = sample.sweep;
  region->pendingRows += sample.rows;
  if (region->pendingCalls() >= kBatchCalls ||
      region->pendingBytes() >= kBatchBytes)
    flush(*region);
}

void Database::finish() {
  if (file < 0)
    return;
  for (auto &region : regions)
    flush(*region);
  close();
}

void Database::abandon() {
  for (auto &region : regions)
    region->dropPending();
  try {
    close();
  } catch (const Error &) {
    // Already failing: the first error is the one reported.
  }
}

std::mutex &databaseMutex() {
  static auto *mutex = new std::mutex;
  return *mutex;
}

/// Never destroyed: finishDatabases runs from an exit handler, possibly after
/// static destructors.
std::map<std::string, Database> &databases() {
  static auto *open = new std::map<std::string, Database>;
  return *open;
}

} // namespace

void initDatabases() { H5open(); }

void collect(const std::string &database, const std::string &region,
             const std::string &source, const Sample &sample) {
  std::lock_guard<std::mutex> lock(databaseMutex());
  QuietErrors quiet;
  // One Database per file, however its path is spelled.
  std::error_code ignored;
  std::string key =
      std::filesystem::absolute(database, ignored).lexically_normal().string();
  Database &db = databases().try_emplace(key, database).first->second;
  try {
    db.append(region, source, sample);
  } catch (const Error &) {
    db.abandon();
    throw;
  }
}

std::vector<std::pair<std::string, std::string>> finishDatabases() {
  std::lock_guard<std::mutex> lock(databaseMutex());
  QuietErrors quiet;
  std::vector<std::pair<std::string, std::string>> failures;
  for (auto &entry : databases()) {
    Database &db = entry.second;
    try {
      db.finish();
    } catch (const Error &e) {
      failures.emplace_back(db.source(), e.what());
      db.abandon();
    }
  }
  return failures;
}

} // namespace approx::ml
