#pragma once
// Conditional writes (docs/persistence-stub.md, "Versions"): what an If-Match or
// If-None-Match header asks of the stored entry, and whether the entry's current
// state satisfies it. Shared by the HTTP layer (parsing) and every storage backend
// (checking inside the write's transaction).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace skill::stub {

struct Precondition {
    enum class Kind {
        none,    // no header: write unconditionally
        match,   // If-Match: "<version>": the entry exists at exactly `version`
        exists,  // If-Match: *: the entry exists, at any version
        absent,  // If-None-Match: *: no entry exists
    };
    Kind kind = Kind::none;
    std::int64_t version = 0;  // match only

    /// Whether an entry at `current` (nothing: no entry) satisfies it.
    bool satisfied_by(std::optional<std::int64_t> current) const noexcept;
};

/// `"<version>"`: the strong entity tag a version travels as (ETag, If-Match).
std::string entity_tag(std::int64_t version);

/// The parsed value of an If-Match header: `*` or ONE strong tag of a version
/// (`"<decimal digits, no leading zero, fits int64, > 0>"`). Nothing when it is
/// anything else (a weak tag `W/"1"`, a list, unquoted digits, garbage).
std::optional<Precondition> parse_if_match(std::string_view value);

/// The parsed value of an If-None-Match header on a write: only `*` is meaningful.
std::optional<Precondition> parse_if_none_match(std::string_view value);

}  // namespace skill::stub
