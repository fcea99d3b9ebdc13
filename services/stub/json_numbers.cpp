#include "json_numbers.hpp"

#include <boost/json/basic_parser_impl.hpp>  // basic_parser<> with a handler of our own
#include <boost/json/error.hpp>
#include <boost/json/value_stack.hpp>
#include <cmath>
#include <string>

namespace skill::stub {
namespace {

namespace json = boost::json;
using json::error_code;

class NumberCategory final : public boost::system::error_category {
  public:
    const char* name() const noexcept override { return "json-number"; }
    std::string message(int e) const override {
        switch (static_cast<NumberError>(e)) {
            case NumberError::not_finite:
                return "number out of range: not a finite double";
            case NumberError::integer_out_of_range:
                return "integer out of range: fits neither int64 nor uint64";
        }
        return "bad number";
    }
};

bool has_fraction_or_exponent(json::string_view text) noexcept {
    return text.find_first_of(".eE") != json::string_view::npos;
}

/// boost::json's own DOM handler (detail::handler: a value_stack), plus the number check.
class CheckedHandler {
  public:
    static constexpr std::size_t max_object_size = json::object::max_size();
    static constexpr std::size_t max_array_size = json::array::max_size();
    static constexpr std::size_t max_key_size = json::string::max_size();
    static constexpr std::size_t max_string_size = json::string::max_size();

    explicit CheckedHandler(json::storage_ptr stack_storage) : st(std::move(stack_storage)) {}

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_object_begin(error_code&) { return true; }
    bool on_object_end(std::size_t n, error_code&) {
        st.push_object(n);
        return true;
    }
    bool on_array_begin(error_code&) { return true; }
    bool on_array_end(std::size_t n, error_code&) {
        st.push_array(n);
        return true;
    }
    bool on_key_part(json::string_view s, std::size_t, error_code&) {
        st.push_chars(s);
        return true;
    }
    bool on_key(json::string_view s, std::size_t, error_code&) {
        st.push_key(s);
        return true;
    }
    bool on_string_part(json::string_view s, std::size_t, error_code&) {
        st.push_chars(s);
        return true;
    }
    bool on_string(json::string_view s, std::size_t, error_code&) {
        st.push_string(s);
        return true;
    }
    // A number split across writes arrives in parts before its last one.
    bool on_number_part(json::string_view s, error_code&) {
        fractional_ = fractional_ || has_fraction_or_exponent(s);
        return true;
    }
    bool on_int64(std::int64_t i, json::string_view, error_code&) {
        fractional_ = false;
        st.push_int64(i);
        return true;
    }
    bool on_uint64(std::uint64_t u, json::string_view, error_code&) {
        fractional_ = false;
        st.push_uint64(u);
        return true;
    }
    bool on_double(double d, json::string_view s, error_code& ec) {
        const bool fractional = fractional_ || has_fraction_or_exponent(s);
        fractional_ = false;
        if (!std::isfinite(d)) {
            ec = make_error_code(NumberError::not_finite);
            return false;
        }
        // Boost.JSON makes an integer literal a double only when it fits neither
        // int64 nor uint64 ("-0" is int64 0): the double is a rounded integer.
        if (!fractional) {
            ec = make_error_code(NumberError::integer_out_of_range);
            return false;
        }
        st.push_double(d);
        return true;
    }
    bool on_bool(bool b, error_code&) {
        st.push_bool(b);
        return true;
    }
    bool on_null(error_code&) {
        st.push_null();
        return true;
    }
    bool on_comment_part(json::string_view, error_code&) { return true; }
    bool on_comment(json::string_view, error_code&) { return true; }

    json::value_stack st;

  private:
    bool fractional_ = false;
};

}  // namespace

const boost::system::error_category& json_number_category() noexcept {
    static const NumberCategory category;
    return category;
}

boost::system::error_code make_error_code(NumberError e) noexcept {
    return {static_cast<int>(e), json_number_category()};
}

json::value parse_checked(std::string_view text, boost::system::error_code& ec,
                          json::storage_ptr storage, const json::parse_options& options) {
    // As boost::json::parse does: the stack's scratch memory and the value share `storage`.
    json::basic_parser<CheckedHandler> parser(options, storage);
    parser.handler().st.reset(std::move(storage));
    ec = {};
    const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
    if (ec) return nullptr;
    if (used < text.size()) {
        ec = json::error::extra_data;
        return nullptr;
    }
    return parser.handler().st.release();
}

bool finite_numbers(const json::value& v) noexcept {
    switch (v.kind()) {
        case json::kind::double_:
            return std::isfinite(v.get_double());
        case json::kind::object:
            return finite_numbers(v.get_object());
        case json::kind::array:
            for (const auto& item : v.get_array())
                if (!finite_numbers(item)) return false;
            return true;
        default:
            return true;
    }
}

bool finite_numbers(const json::object& o) noexcept {
    for (const auto& [key, value] : o)
        if (!finite_numbers(value)) return false;
    return true;
}

}  // namespace skill::stub
