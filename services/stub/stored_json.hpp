#pragma once
// The JSON text a backend stores, both ways: stored text read back as an object
// (refused unless it is a JSON object whose numbers round-trip) or as the
// canonical text an answer carries, and the check that what is written is JSON.
// Shared by every backend, so they answer byte for byte alike.
#include <boost/json/object.hpp>
#include <boost/json/storage_ptr.hpp>
#include <string>
#include <string_view>

namespace skill::stub {

/// Stored text as a JSON object; throws StoreError when it is not one.
boost::json::object parse_stored(std::string_view text, boost::json::storage_ptr storage);

/// Stored text as the answer carries it: parsed and serialised again.
std::string canonical(std::string_view text);

/// Throws StoreError when `data` holds a non-finite number (serialised, it is not JSON).
void require_finite(const boost::json::object& data);

/// A set's data as the text to store (`op.json` when the API filled it already).
std::string serialised(const boost::json::object& data);

}  // namespace skill::stub
