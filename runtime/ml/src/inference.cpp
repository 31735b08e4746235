//===- inference.cpp - TorchScript surrogate inference
//---------------------===//

#include "inference.h"

#include "error.h"

#include <ATen/Parallel.h>
#include <torch/script.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>

namespace approx::ml {
namespace {

void setThreads() {
  int threads = 1;
  if (const char *text = std::getenv("APPROX_ML_THREADS")) {
    char *end = nullptr;
    long value = std::strtol(text, &end, 10);
    if (end == text || *end != '\0' || value < 1)
      throw Error(std::string("APPROX_ML_THREADS is '") + text +
                  "', expected a positive integer");
    threads = static_cast<int>(value);
  }
  at::set_num_threads(threads);
}

std::shared_ptr<torch::jit::Module> findOrLoad(const std::string &path) {
  // Modules stay loaded for the whole process; `mutex` guards the map, and
  // forward() on a loaded module is safe from several threads.
  static std::mutex mutex;
  static auto *models =
      new std::map<std::string, std::shared_ptr<torch::jit::Module>>;
  static std::once_flag threadsSet;
  std::call_once(threadsSet, setThreads);

  std::lock_guard<std::mutex> lock(mutex);
  auto found = models->find(path);
  if (found != models->end())
    return found->second;
  std::error_code ignored;
  if (!std::filesystem::is_regular_file(path, ignored))
    throw Error("model file '" + path + "' not found");
  std::shared_ptr<torch::jit::Module> model;
  try {
    model = std::make_shared<torch::jit::Module>(
        torch::jit::load(path, torch::kCPU));
  } catch (const c10::Error &e) {
    throw Error("cannot load TorchScript model '" + path +
                "': " + e.what_without_backtrace());
  }
  model->eval();
  return models->emplace(path, std::move(model)).first->second;
}

} // namespace

std::string modelPath(const std::string &model, int64_t choice) {
  if (choice == 0)
    return model;
  std::string stem = model;
  if (stem.size() >= 3 && stem.compare(stem.size() - 3, 3, ".pt") == 0)
    stem.resize(stem.size() - 3);
  return stem + "." + std::to_string(choice) + ".pt";
}

void loadModel(const std::string &path) { findOrLoad(path); }

at::Tensor runModel(const std::string &path, const at::Tensor &input) {
  std::shared_ptr<torch::jit::Module> model = findOrLoad(path);
  c10::InferenceMode guard;
  c10::IValue output;
  try {
    output = model->forward({input});
  } catch (const c10::Error &e) {
    throw Error("model '" + path + "' failed on its input of shape " +
                c10::str(input.sizes()) + ": " + e.what_without_backtrace());
  }
  if (!output.isTensor())
    throw Error("model '" + path + "' returned a " + output.tagKind() +
                ", not a tensor");
  return output.toTensor();
}

} // namespace approx::ml
