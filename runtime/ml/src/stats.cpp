//===- stats.cpp - Per-region statistics (APPROX_ML_STATS)
//-----------------===//

#include "stats.h"

#include "error.h"

#include <charconv>
#include <cstdio>
#include <fstream>

namespace approx::ml {
namespace {

std::string quoted(const std::string &text) {
  std::string result = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      result += '\\';
      result += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escape[7];
      std::snprintf(escape, sizeof escape, "\\u%04x", c);
      result += escape;
    } else {
      result += c;
    }
  }
  return result + "\"";
}

std::string number(double value) {
  char text[32];
  auto end = std::to_chars(text, text + sizeof text, value).ptr;
  return std::string(text, end);
}

} // namespace

Stats &Stats::operator+=(const Stats &other) {
  calls += other.calls;
  inferences += other.inferences;
  collections += other.collections;
  bridgeIn += other.bridgeIn;
  inference += other.inference;
  bridgeOut += other.bridgeOut;
  exact += other.exact;
  collectIo += other.collectIo;
  modelLoad += other.modelLoad;
  return *this;
}

void writeStats(const std::string &path,
                const std::map<std::string, Stats> &regions) {
  std::string json = "{";
  for (const auto &[name, stats] : regions) {
    json += (json.size() > 1 ? ",\n  " : "\n  ") + quoted(name) + ": {" +
            "\"calls\": " + std::to_string(stats.calls) +
            ", \"inferences\": " + std::to_string(stats.inferences) +
            ", \"collections\": " + std::to_string(stats.collections) +
            ", \"bridge_in\": " + number(stats.bridgeIn) +
            ", \"inference\": " + number(stats.inference) +
            ", \"bridge_out\": " + number(stats.bridgeOut) +
            ", \"exact\": " + number(stats.exact) +
            ", \"collect_io\": " + number(stats.collectIo) +
            ", \"model_load\": " + number(stats.modelLoad) + "}";
  }
  json += regions.empty() ? "}\n" : "\n}\n";
  std::ofstream file(path);
  file << json;
  if (!file.flush())
    throw Error("cannot write APPROX_ML_STATS file '" + path + "'");
}

} // namespace approx::ml
