#include "pretty_json.hpp"

#include <boost/json/serialize.hpp>

namespace skill::invoke {

namespace {
std::string pad(int indent) {
    return std::string(static_cast<std::size_t>(indent) * 2, ' ');
}
}  // namespace

std::string pretty_json(const boost::json::value& value, int indent) {
    if (const auto* o = value.if_object(); o && !o->empty()) {
        std::string out = "{\n";
        bool first = true;
        for (const auto& [k, v] : *o) {
            if (!first) out += ",\n";
            first = false;
            out += pad(indent + 1) + boost::json::serialize(boost::json::string(k)) + ": " +
                   pretty_json(v, indent + 1);
        }
        return out + "\n" + pad(indent) + "}";
    }
    if (const auto* a = value.if_array(); a && !a->empty()) {
        std::string out = "[\n";
        for (std::size_t i = 0; i < a->size(); ++i)
            out += (i ? ",\n" : "") + pad(indent + 1) + pretty_json((*a)[i], indent + 1);
        return out + "\n" + pad(indent) + "]";
    }
    return boost::json::serialize(value);
}

}  // namespace skill::invoke
