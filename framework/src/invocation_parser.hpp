#pragma once
// The invocation request (SPI 1.4.1, docs/protocol.md §2): JSON body -> skill::Invocation.
#include <skill/invocation.hpp>

#include <cstddef>
#include <stdexcept>
#include <string_view>

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
Invocation parse_invocation(std::string_view body, const ParseLimits& limits = {});

}  // namespace skill::runtime
