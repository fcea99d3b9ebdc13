#pragma once
// Documents as Boost.JSON values, for tests that compare JSON (Document has no operator==):
// Boost.JSON's equality, so 1 and 1.0 differ and a missing Document reads as null.
#include <skill/json.hpp>

#include <vector>

namespace skill::test {

inline std::vector<boost::json::value> json_values(const std::vector<Document>& documents) {
    std::vector<boost::json::value> out;
    out.reserve(documents.size());
    for (const auto& d : documents) out.push_back(json_of(d));
    return out;
}

}  // namespace skill::test
