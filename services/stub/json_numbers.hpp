#pragma once
// JSON the stub can store and give back unchanged. Boost.JSON parses a number
// that overflows a double (1e400) as infinity, which serialises as `Infinity`
// (not JSON), and an integer literal outside int64/uint64 as a rounded double
// (the integer is silently changed). parse_checked() refuses both while parsing,
// and finite_numbers() guards values built in code.
#include <boost/json/parse_options.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>
#include <string_view>

namespace skill::stub {

/// Why parse_checked() refused a number (category json_number_category()).
enum class NumberError {
    not_finite = 1,        // a double overflowed: 1e400, -1e400
    integer_out_of_range,  // an integer literal outside [-2^63, 2^64)
};

const boost::system::error_category& json_number_category() noexcept;
boost::system::error_code make_error_code(NumberError e) noexcept;

/// boost::json::parse(text, ec, storage, options), except that a number JSON cannot
/// round-trip fails the parse with a NumberError: a double that is not finite, or
/// an integer literal (no fraction, no exponent) that fits neither int64 nor
/// uint64. Every number of a value it returns serialises to text that parses back
/// to the same value.
boost::json::value parse_checked(std::string_view text, boost::system::error_code& ec,
                                 boost::json::storage_ptr storage = {},
                                 const boost::json::parse_options& options = {});

/// False when `v` holds a double that is not finite (NaN, ±infinity) at any depth.
bool finite_numbers(const boost::json::value& v) noexcept;
bool finite_numbers(const boost::json::object& o) noexcept;

}  // namespace skill::stub

template <>
struct boost::system::is_error_code_enum<skill::stub::NumberError> : std::true_type {};
