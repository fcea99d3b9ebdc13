#include <skill/net/http.hpp>

#include <boost/beast/core/string.hpp>

namespace skill::net {

bool framing_acceptable(const Request& header, bool chunked) noexcept {
    // Beast rejects some bad framings itself (Content-Length before
    // Transfer-Encoding, a second field after a "chunked" one) but reads
    // "gzip" as a body of length zero (its bytes then parse as the next
    // request) and "gzip, chunked" as chunked.
    const auto te = header.find(http::field::transfer_encoding);
    if (te == header.end()) return true;  // the usual case: one lookup
    return chunked && boost::beast::iequals(te->value(), "chunked") &&
           header.count(http::field::transfer_encoding) == 1 &&
           header.find(http::field::content_length) == header.end();
}

Response json_response(const Request& req, http::status status, std::string body) {
    Response res(std::piecewise_construct, std::make_tuple(std::move(body)),
                 std::make_tuple(req.get_allocator()));
    res.result(status);
    res.version(req.version());
    res.set(http::field::content_type, "application/json");
    return res;
}

Request json_request(http::verb method, std::string target) {
    Request request;
    request.version(11);
    request.keep_alive(true);
    request.method(method);
    request.target(std::move(target));
    request.set(http::field::accept, "application/json");
    return request;
}

}  // namespace skill::net
