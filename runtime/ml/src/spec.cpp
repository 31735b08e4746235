//===- spec.cpp - Parsing the text spec of an ML region
//--------------------===//

#include "spec.h"

#include <charconv>

namespace approx::ml {
namespace {

/// An error in one line; parseSpec adds the location and the line.
struct LineError {
  std::string what;
};

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    size_t end = text.find(separator);
    parts.push_back(text.substr(0, end));
    if (end == std::string_view::npos)
      return parts;
    text.remove_prefix(end + 1);
  }
}

std::vector<std::string_view> tokens(std::string_view line) {
  std::vector<std::string_view> result;
  for (std::string_view token : split(line, ' '))
    if (!token.empty())
      result.push_back(token);
  return result;
}

int64_t toInt(std::string_view token) {
  int64_t value = 0;
  auto [end, ec] =
      std::from_chars(token.data(), token.data() + token.size(), value);
  if (ec != std::errc() || end != token.data() + token.size())
    throw LineError{"expected an integer, got '" + std::string(token) + "'"};
  return value;
}

int64_t toCount(std::string_view token, int64_t min, const char *what) {
  int64_t value = toInt(token);
  if (value < min)
    throw LineError{std::string(what) + " must be at least " +
                    std::to_string(min) + ", got " + std::to_string(value)};
  return value;
}

/// The text after the first `count` space-separated words (paths may hold
/// spaces).
std::string_view rest(std::string_view line, int count) {
  for (int i = 0; i < count; ++i) {
    size_t space = line.find(' ');
    if (space == std::string_view::npos)
      return {};
    line.remove_prefix(space + 1);
  }
  return line;
}

SliceDim parseDim(std::string_view token, int64_t symbols) {
  std::vector<std::string_view> fields = split(token, ',');
  if (fields.size() != 5 || fields[0].size() != 1)
    throw LineError{"slice dim '" + std::string(token) +
                    "' is not kind,sym,lo,hi,step"};
  SliceDim dim{};
  switch (fields[0][0]) {
  case 's':
    dim.kind = SliceDim::Kind::SymbolIndex;
    break;
  case 'r':
    dim.kind = SliceDim::Kind::SymbolRange;
    break;
  case 'c':
    dim.kind = SliceDim::Kind::ConstIndex;
    break;
  case 'k':
    dim.kind = SliceDim::Kind::ConstRange;
    break;
  default:
    throw LineError{"slice dim '" + std::string(token) +
                    "': kind must be one of s r c k"};
  }
  dim.symbol = toInt(fields[1]);
  dim.lo = toInt(fields[2]);
  dim.hi = toInt(fields[3]);
  dim.step = toInt(fields[4]);
  if (dim.isSymbolic() && (dim.symbol < 0 || dim.symbol >= symbols))
    throw LineError{"slice dim '" + std::string(token) + "': symbol " +
                    std::to_string(dim.symbol) + " is not one of the " +
                    std::to_string(symbols) + " LHS symbols"};
  if (!dim.isSymbolic() && dim.symbol != -1)
    throw LineError{"slice dim '" + std::string(token) +
                    "': a constant dim has symbol -1"};
  if (dim.isRange() && (dim.step < 1 || dim.hi <= dim.lo))
    throw LineError{"slice dim '" + std::string(token) +
                    "': a range needs hi > lo and step >= 1"};
  return dim;
}

Target parseTarget(std::string_view token) {
  std::vector<std::string_view> fields = split(token, ',');
  if (fields.size() < 2 || (fields.size() - 2) % 3 != 0)
    throw LineError{"target '" + std::string(token) +
                    "' is not array,offset_bound,lo,hi,step[,lo,hi,step...]"};
  Target target;
  target.array = toCount(fields[0], 0, "array index");
  target.offsetBound = toCount(fields[1], -1, "offset bound index");
  for (size_t i = 2; i < fields.size(); i += 3)
    target.ranges.push_back({toCount(fields[i], 0, "bound index"),
                             toCount(fields[i + 1], 0, "bound index"),
                             toCount(fields[i + 2], 0, "bound index")});
  return target;
}

std::vector<size_t> parseIndices(const std::vector<std::string_view> &words) {
  std::vector<size_t> indices;
  for (size_t i = 1; i < words.size(); ++i)
    indices.push_back(toCount(words[i], 0, "map index"));
  return indices;
}

/// Builds a Spec line by line; whole-spec checks are in finish().
class Parser {
public:
  Parser() { spec.location = "<unknown>:0"; }
  void line(std::string_view text);
  Spec finish();
  const std::string &location() const { return spec.location; }

private:
  void once(bool &seen, std::string_view keyword);
  void finishFunctor();
  void checkMapList(const std::vector<size_t> &indices, const char *clause,
                    Map::Direction direction) const;

  Spec spec;
  std::vector<std::string> mapFunctors; // functor names, resolved at the end
  size_t pendingSlices = 0;             // slice lines the last functor awaits
  bool region = false, model = false, database = false, arrays = false,
       in = false,
       out = false; // lines seen
};

void Parser::once(bool &seen, std::string_view keyword) {
  if (seen)
    throw LineError{"duplicate '" + std::string(keyword) + "' line"};
  seen = true;
}

void Parser::line(std::string_view text) {
  std::vector<std::string_view> words = tokens(text);
  std::string_view keyword = words[0];
  if (!region && keyword != "region")
    throw LineError{"the first line must be 'region <name> <file>:<line>'"};
  if (pendingSlices > 0 && keyword != "slice")
    throw LineError{"functor '" + spec.functors.back().name + "' expects " +
                    std::to_string(pendingSlices) + " more slice line(s)"};

  if (keyword == "region") {
    once(region, keyword);
    if (words.size() < 3)
      throw LineError{"expected 'region <name> <file>:<line>'"};
    spec.name = words[1];
    spec.location = rest(text, 2);
  } else if (keyword == "model" || keyword == "database") {
    once(keyword == "model" ? model : database, keyword);
    std::string_view path = rest(text, 1);
    if (path.empty())
      throw LineError{"expected '" + std::string(keyword) + " <path or ->'"};
    (keyword == "model" ? spec.model : spec.database) =
        path == "-" ? "" : std::string(path);
  } else if (keyword == "arrays") {
    once(arrays, keyword);
    for (size_t i = 1; i < words.size(); ++i)
      spec.arrayNames.emplace_back(words[i]);
  } else if (keyword == "functor") {
    if (words.size() != 7 || words[2] != "lhs" || words[5] != "rhs")
      throw LineError{"expected 'functor <name> lhs <nsyms> <nfeatures> rhs "
                      "<nslices>'"};
    for (const Functor &functor : spec.functors)
      if (functor.name == words[1])
        throw LineError{"duplicate functor '" + std::string(words[1]) + "'"};
    spec.functors.push_back({std::string(words[1]),
                             toCount(words[3], 0, "nsyms"),
                             toCount(words[4], 1, "nfeatures"),
                             {}});
    pendingSlices = toCount(words[6], 1, "nslices");
  } else if (keyword == "slice") {
    if (pendingSlices == 0)
      throw LineError{"a slice line must follow its functor line"};
    if (words.size() < 2 ||
        words.size() != 2 + static_cast<size_t>(toCount(words[1], 1, "ndims")))
      throw LineError{"expected 'slice <ndims> <dim>...' with ndims dims"};
    Functor &functor = spec.functors.back();
    Slice slice{{}, 1};
    for (size_t i = 2; i < words.size(); ++i) {
      slice.dims.push_back(parseDim(words[i], functor.symbols));
      slice.features *= slice.dims.back().extent();
    }
    functor.slices.push_back(std::move(slice));
    if (--pendingSlices == 0)
      finishFunctor();
  } else if (keyword == "map") {
    if (words.size() < 4 || (words[1] != "to" && words[1] != "from"))
      throw LineError{
          "expected 'map <to|from> <functor> <ntargets> <target>...'"};
    if (words.size() !=
        4 + static_cast<size_t>(toCount(words[3], 1, "ntargets")))
      throw LineError{"ntargets is " + std::string(words[3]) + " but " +
                      std::to_string(words.size() - 4) + " targets follow"};
    Map map{
        words[1] == "to" ? Map::Direction::To : Map::Direction::From, 0, {}};
    for (size_t i = 4; i < words.size(); ++i)
      map.targets.push_back(parseTarget(words[i]));
    spec.maps.push_back(std::move(map));
    mapFunctors.emplace_back(words[2]);
  } else if (keyword == "in" || keyword == "out") {
    once(keyword == "in" ? in : out, keyword);
    (keyword == "in" ? spec.in : spec.out) = parseIndices(words);
  } else {
    throw LineError{"unknown line kind '" + std::string(keyword) + "'"};
  }
}

void Parser::finishFunctor() {
  const Functor &functor = spec.functors.back();
  int64_t features = 0;
  for (const Slice &slice : functor.slices)
    features += slice.features;
  if (features != functor.features)
    throw LineError{"functor '" + functor.name + "': its slices give " +
                    std::to_string(features) + " features, its LHS declares " +
                    std::to_string(functor.features)};
}

void Parser::checkMapList(const std::vector<size_t> &indices,
                          const char *clause, Map::Direction direction) const {
  if (indices.empty())
    throw Error(std::string("the region has no ") + clause + "(...) maps");
  for (size_t index : indices) {
    if (index >= spec.maps.size())
      throw Error(std::string(clause) + " lists map " + std::to_string(index) +
                  " but there are " + std::to_string(spec.maps.size()) +
                  " maps");
    if (spec.maps[index].direction != direction)
      throw Error(std::string(clause) + " lists map " + std::to_string(index) +
                  ", a '" + (direction == Map::Direction::To ? "from" : "to") +
                  "' map");
  }
}

Spec Parser::finish() {
  const std::pair<bool, const char *> required[] = {{region, "region"},
                                                    {model, "model"},
                                                    {database, "database"},
                                                    {in, "in"},
                                                    {out, "out"}};
  for (auto [seen, keyword] : required)
    if (!seen)
      throw Error(std::string("missing '") + keyword + "' line");
  if (pendingSlices > 0)
    throw Error("functor '" + spec.functors.back().name + "' expects " +
                std::to_string(pendingSlices) + " more slice line(s)");
  for (size_t m = 0; m < spec.maps.size(); ++m) {
    Map &map = spec.maps[m];
    std::string name = "map " + std::to_string(m) + " (" + mapFunctors[m] + ")";
    size_t functor = 0;
    while (functor < spec.functors.size() &&
           spec.functors[functor].name != mapFunctors[m])
      ++functor;
    if (functor == spec.functors.size())
      throw Error(name + ": no functor '" + mapFunctors[m] + "'");
    map.functor = functor;
    const Functor &f = spec.functors[functor];
    if (map.targets.size() != 1 && map.targets.size() != f.slices.size())
      throw Error(name + ": " + std::to_string(map.targets.size()) +
                  " targets for " + std::to_string(f.slices.size()) +
                  " slices (needs 1 or one per slice)");
    for (size_t t = 0; t < map.targets.size(); ++t)
      if (map.targets[t].ranges.size() != static_cast<size_t>(f.symbols))
        throw Error(name + ", target " + std::to_string(t) + ": " +
                    std::to_string(map.targets[t].ranges.size()) +
                    " concrete ranges for " + std::to_string(f.symbols) +
                    " LHS symbols");
  }
  checkMapList(spec.in, "in", Map::Direction::To);
  checkMapList(spec.out, "out", Map::Direction::From);
  return std::move(spec);
}

} // namespace

Spec parseSpec(std::string_view text) {
  Parser parser;
  int number = 0;
  try {
    for (std::string_view line : split(text, '\n')) {
      ++number;
      if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
      if (tokens(line).empty())
        continue;
      try {
        parser.line(line);
      } catch (const LineError &e) {
        throw SpecError(parser.location(),
                        "bad spec line " + std::to_string(number) + " '" +
                            std::string(line) + "': " + e.what);
      }
    }
    return parser.finish();
  } catch (const SpecError &) {
    throw;
  } catch (const Error &e) {
    throw SpecError(parser.location(), std::string("bad spec: ") + e.what());
  }
}

} // namespace approx::ml
