#pragma once
// Internal HTTP types shared by the server, the client and their users
// (the runtime, the persistence client and stub). Not part of the skill API.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <skill/net/field_arena.hpp>

namespace skill::net {

namespace http = boost::beast::http;
/// Header fields allocated by FieldAllocator: the server's from its connection's arena.
using Fields = http::basic_fields<FieldAllocator<char>>;
using Request = http::request<http::string_body, Fields>;
using Response = http::response<http::string_body, Fields>;
template <class T>
using Awaitable = boost::asio::awaitable<T>;

/// Whether a parsed request header frames its body the one way every
/// intermediary reads it too (RFC 9112 6.1, 6.3): no Transfer-Encoding, or a
/// single field "chunked" (any case; the only coding supported) and no
/// Content-Length. `chunked` is what Beast's parser concluded. The server
/// answers anything else 400 and closes the connection (request smuggling).
bool framing_acceptable(const Request& header, bool chunked) noexcept;

/// A JSON response in the request's HTTP version, its fields where the request's are
/// (the connection's arena). Connection and Content-Length are the server's: it sets
/// both on every answer it writes.
Response json_response(const Request& req, http::status status, std::string body);

/// A keep-alive HTTP/1.1 request to a JSON API whose first field is Accept:
/// application/json: the start the persistence and partner clients share. Callers
/// add their own fields after it, in the order their wire format has them.
Request json_request(http::verb method, std::string target);

}  // namespace skill::net
