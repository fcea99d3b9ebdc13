#pragma once
// The parsed invocation (SPI 1.4.1): plain data, no behaviour.
// See docs/protocol.md for the wire form.
#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace skill {

/// One entry of `context.attributesV2[slot]`.
struct SlotValue {
    std::int64_t id = 0;
    std::string value;
    std::vector<std::int64_t> nested_in;
    std::vector<std::int64_t> overlaps_with;
    boost::json::object extras;
};

struct Session {
    std::string id;
    bool is_new = true;
    std::map<std::string, std::string> attributes;
};

struct Invocation {
    std::string intent;
    std::string locale;
    std::string skill_id;
    /// slot name -> values; derived from attributes_v2 when absent on the wire
    std::map<std::string, std::vector<std::string>> attributes;
    std::map<std::string, std::vector<SlotValue>> attributes_v2;
    /// service tokens, e.g. "cvi" (never logged)
    std::map<std::string, std::string> tokens;
    std::map<std::string, std::vector<std::string>> configuration;
    std::string client_type_name;
    std::string user_profile_config;
    std::optional<Session> session;
    std::string spi_version;
};

}  // namespace skill
