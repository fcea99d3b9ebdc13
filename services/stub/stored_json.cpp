#include "stored_json.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>

#include "json_numbers.hpp"
#include "store.hpp"

namespace skill::stub {

/// The stub only writes objects whose numbers round-trip; a row edited by hand that
/// holds e.g. 1e400 is refused like any other corrupt row, rather than answered as
/// `Infinity` or merged into a new write.
boost::json::object parse_stored(std::string_view text, boost::json::storage_ptr storage) {
    boost::system::error_code ec;
    boost::json::value v = parse_checked(text, ec, std::move(storage));
    if (ec.category() == json_number_category())
        throw StoreError("stored data holds a number JSON cannot round-trip: " + ec.message());
    if (ec || !v.is_object()) throw StoreError("stored data is not a JSON object");
    return std::move(v.as_object());
}

/// In a stack arena. The stub writes that form already, but a row may have been
/// edited by hand.
std::string canonical(std::string_view text) {
    unsigned char arena[2048];
    boost::json::monotonic_resource resource(arena, sizeof arena);
    return boost::json::serialize(parse_stored(text, &resource));
}

void require_finite(const boost::json::object& data) {
    if (!finite_numbers(data)) throw StoreError("data holds a number that is not finite");
}

std::string serialised(const boost::json::object& data) {
    require_finite(data);
    return boost::json::serialize(data);
}

}  // namespace skill::stub
