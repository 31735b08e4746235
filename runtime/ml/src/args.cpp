//===- args.cpp - Decoding the argument words
//------------------------------===//

#include "args.h"

#include "error.h"

#include <string>

namespace approx::ml {
namespace {

/// Reads words in order, failing clearly when they run out.
class Reader {
public:
  Reader(const int64_t *words, int64_t count) : words(words), count(count) {}

  int64_t next(const char *what) {
    if (position >= count)
      throw Error(std::string("argument words end before ") + what + " (" +
                  std::to_string(count) + " words)");
    return words[position++];
  }

  int64_t nextCount(const char *what) {
    int64_t value = next(what);
    if (value < 0)
      throw Error(std::string("argument ") + what + " is negative (" +
                  std::to_string(value) + ")");
    return value;
  }

  int64_t remaining() const { return count - position; }

private:
  const int64_t *words;
  int64_t count;
  int64_t position = 0;
};

} // namespace

Args decodeArgs(const int64_t *words, int64_t count) {
  Reader reader(words, count);
  Args args;
  int64_t mode = reader.next("mode");
  if (mode < 0 || mode > 2)
    throw Error("mode word is " + std::to_string(mode) +
                " (0 infer, 1 collect, 2 predicated)");
  args.mode = static_cast<Args::Mode>(mode);
  args.predicate = reader.next("predicate");
  args.enabled = reader.next("enabled");
  args.modelChoice = reader.next("model_choice");
  if (args.modelChoice < -1)
    throw Error("model_choice is " + std::to_string(args.modelChoice) +
                " (-1 exact, 0 the model, k > 0 <stem>.<k>.pt)");
  int64_t arrays = reader.nextCount("narrays");
  args.arrays.resize(arrays);
  for (Array &array : args.arrays) {
    array.address = reinterpret_cast<void *>(reader.next("array address"));
    int64_t type = reader.next("element type");
    if (type < 0 || type > 3)
      throw Error("element type word is " + std::to_string(type) +
                  " (0 f32, 1 f64, 2 i32, 3 i64)");
    array.type = static_cast<ElemType>(type);
    int64_t rank = reader.nextCount("rank");
    for (int64_t d = 0; d < rank; ++d)
      array.sizes.push_back(reader.nextCount("array size"));
    for (int64_t d = 0; d < rank; ++d)
      array.strides.push_back(reader.nextCount("array stride"));
  }
  int64_t bounds = reader.nextCount("nbounds");
  if (bounds != reader.remaining())
    throw Error("nbounds is " + std::to_string(bounds) + " but " +
                std::to_string(reader.remaining()) + " words follow");
  args.bounds.assign(words + count - bounds, words + count);
  return args;
}

} // namespace approx::ml
