//===- inference.h - TorchScript surrogate inference
//-----------------------===//
//
// Section IV.B of the HPAC-ML paper: a model file is loaded once per path
// (torch::jit::load, CPU) and run under InferenceMode. Torch uses one
// intra-op thread unless APPROX_ML_THREADS says otherwise: surrogates are
// small and the application usually owns the cores.
//
//===----------------------------------------------------------------------===//

#ifndef APPROX_ML_INFERENCE_H
#define APPROX_ML_INFERENCE_H

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>

namespace approx::ml {

/// The file for `model_choice` k: the model itself for 0, else
/// "<stem>.<k>.pt" where stem is `model` without its ".pt".
std::string modelPath(const std::string &model, int64_t choice);

/// Loads the model at `path` unless it is loaded; throws Error as runModel.
void loadModel(const std::string &path);

/// Runs the model at `path` (loaded on first use) on `input`; returns its
/// tensor output. Throws Error when the file is missing or does not load, or
/// when the model does not return a tensor.
at::Tensor runModel(const std::string &path, const at::Tensor &input);

} // namespace approx::ml

#endif // APPROX_ML_INFERENCE_H
