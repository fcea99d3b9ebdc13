#pragma once
// Indented JSON for humans (Boost.JSON 1.81 only writes it compact).
#include <boost/json/value.hpp>
#include <string>

namespace skill::invoke {

std::string pretty_json(const boost::json::value& value, int indent = 0);

}  // namespace skill::invoke
