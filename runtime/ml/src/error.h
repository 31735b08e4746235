//===- error.h - Errors of the ML runtime ---------------------------------===//
//
// Every failure inside the runtime throws Error; the C entry points turn it
// into "<file>:<line>: error: <what>" and exit(2) (see ml_runtime.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef APPROX_ML_ERROR_H
#define APPROX_ML_ERROR_H

#include <stdexcept>
#include <string>

namespace approx::ml {

class Error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

} // namespace approx::ml

#endif // APPROX_ML_ERROR_H
