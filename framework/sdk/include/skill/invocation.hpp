#pragma once
// The parsed invocation (SPI 1.4.1): plain data, no behaviour.
// See docs/protocol.md for the wire form.
#include <skill/document.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace skill {

/// One entry of `context.attributesV2[slot]`. The ids are int32 on the wire (wider ones are
/// refused); nestedIn/overlapsWith null or absent are empty.
struct SlotValue {
    std::int64_t id = 0;
    std::string value;
    std::vector<std::int64_t> nested_in;
    std::vector<std::int64_t> overlaps_with;
    /// string -> string (the SPI's; the parser refuses other values)
    std::map<std::string, std::string> extras;
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
    /// skill configuration: key -> values, each any JSON value (a string, a boolean, ...)
    std::map<std::string, std::vector<Document>> configuration;
    std::string client_type_name;
    std::string user_profile_config;
    std::optional<Session> session;
    std::string spi_version;
};

}  // namespace skill
