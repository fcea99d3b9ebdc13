// Card action deeplinks: built here so that a phone number or an app id cannot smuggle
// another URL part into what the companion app opens.
#include <skill/card_action.hpp>
#include <stdexcept>

namespace skill::card_action {
namespace {

bool unreserved(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

std::string percent_encoded(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (unreserved(c)) {
            out += ch;
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0xF];
        }
    }
    return out;
}

}  // namespace

std::string call(std::string_view number) {
    std::string digits;
    for (std::size_t i = 0; i < number.size(); ++i) {
        const char c = number[i];
        if (c >= '0' && c <= '9')
            digits += c;
        else if (c == '+' && digits.empty() && i == number.find_first_not_of(' '))
            digits += c;
        else if (c != ' ' && c != '-' && c != '/' && c != '(' && c != ')')
            throw std::invalid_argument("not a phone number: '" + std::string(number) + "'");
    }
    const std::size_t count = digits.size() - (digits.starts_with('+') ? 1 : 0);
    if (count < 3 || count > 20)
        throw std::invalid_argument("not a phone number (3..20 digits): '" + std::string(number) +
                                    "'");
    return "internal://deeplink/call/" + digits;
}

std::string open_app(std::string_view android_package, std::string_view ios_url_scheme,
                     std::string_view ios_app_store_id) {
    return "internal://deeplink/openapp?aos=" + percent_encoded(android_package) +
           "&iosScheme=" + percent_encoded(ios_url_scheme) +
           "&iosAppStoreId=" + percent_encoded(ios_app_store_id);
}

bool valid(std::string_view action) noexcept {
    if (!action.starts_with("internal://") && !action.starts_with("https://") &&
        !action.starts_with("http://"))
        return false;
    for (const char ch : action) {
        const auto c = static_cast<unsigned char>(ch);
        if (c <= 0x20 || c == 0x7F) return false;
    }
    return true;
}

}  // namespace skill::card_action
