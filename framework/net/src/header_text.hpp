#pragma once
// Pieces of an HTTP/1.1 header written as text, exactly as Beast's serializer
// writes them (shared by the server's answers and the client's requests: Beast's
// generic buffer sequences cost more CPU than the rest of a small exchange).
#include <skill/net/http.hpp>
#include <string>

namespace skill::net::detail {

/// "HTTP/1.1" for version 11.
inline void append_http_version(std::string& out, unsigned version) {
    out += "HTTP/";
    out += static_cast<char>('0' + version / 10 % 10);
    out += '.';
    out += static_cast<char>('0' + version % 10);
}

/// Every field as "Name: value\r\n", then the empty line that ends the header.
inline void append_fields(std::string& out, const Fields& fields) {
    for (const auto& field : fields) {
        out += field.name_string();
        out += ": ";
        out += field.value();
        out += "\r\n";
    }
    out += "\r\n";
}

}  // namespace skill::net::detail
