#pragma once
// The invocation request (SPI 1.4.1, docs/protocol.md §2): JSON body -> skill::Invocation.
#include <skill/invocation.hpp>

#include <cstddef>
#include <map>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace skill::runtime {

/// A request the platform got wrong (400 code 3). what() is the `detail` sent back: it names
/// the JSON path and the problem, never a value (a token must not leak into a response or log).
struct ProtocolError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct ParseLimits {
    std::size_t max_depth = 32;               // JSON nesting
    std::size_t max_string_bytes = 64 * 1024;  // any string or key the invocation keeps
};

/// Throws ProtocolError for anything that is not a valid invocation; unknown fields are ignored.
/// Tries the fast path first and falls back to the tree-based one (see detail below).
Invocation parse_invocation(std::string_view body, const ParseLimits& limits = {});
/// The same into `into`, a default-constructed Invocation (the dispatcher's: no move of the
/// whole model on the way).
void parse_invocation(std::string_view body, const ParseLimits& limits, Invocation& into);

namespace detail {

/// The two halves of parse_invocation, exposed for the differential tests.
/// The fast path: one SAX pass for the plain happy shape. nullopt ("not handled") for anything
/// else, never an error of its own; whenever it gives a value, it equals the tree-based result.
std::optional<Invocation> parse_invocation_fast(std::string_view body, const ParseLimits& limits);
/// The slow path: builds a JSON tree, then reads it; the precise ProtocolError comes from here.
Invocation parse_invocation_tree(std::string_view body, const ParseLimits& limits);
/// The fast path into `inv`; false when it declined (then `inv` holds a partial result).
bool parse_fast_into(std::string_view body, const ParseLimits& limits, Invocation& inv);
/// attributes derived from attributesV2 (each slot's values' texts), for both paths.
std::map<std::string, std::vector<std::string>> slot_texts(
    const std::map<std::string, std::vector<SlotValue>>& v2);

}  // namespace detail

}  // namespace skill::runtime
