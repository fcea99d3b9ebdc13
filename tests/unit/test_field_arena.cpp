// The connection's arena for header fields (skill/net/field_arena.hpp): what lives
// in it, what spills to the heap, and that copies never point into it.
#include <boost/beast/http/parser.hpp>
#include <catch2/catch.hpp>
#include <cstdint>
#include <skill/net/http.hpp>
#include <string>

using namespace skill;
namespace http = net::http;

namespace {

bool aligned(const void* p, std::size_t align) {
    return reinterpret_cast<std::uintptr_t>(p) % align == 0;
}

/// `wire` parsed as the server parses a request, its fields from `arena`.
net::Request parse(const std::string& wire, net::FieldArena& arena) {
    http::request_parser<http::string_body, net::FieldAllocator<char>> parser(
        std::piecewise_construct, std::make_tuple(),
        std::make_tuple(net::FieldAllocator<char>(&arena)));
    boost::beast::error_code ec;
    parser.eager(true);
    parser.put(boost::asio::buffer(wire), ec);
    REQUIRE_FALSE(ec);
    REQUIRE(parser.is_done());
    return parser.release();
}

std::string request_with(const std::string& field_value) {
    return "GET /x HTTP/1.1\r\nHost: h\r\nX-Value: " + field_value + "\r\n\r\n";
}

}  // namespace

TEST_CASE("the arena hands out aligned memory until it is full, then nothing") {
    net::FieldArena arena;
    void* a = arena.allocate(3, 1);
    void* b = arena.allocate(16, 16);
    REQUIRE(a != nullptr);
    REQUIRE(b != nullptr);
    CHECK(arena.owns(a));
    CHECK(arena.owns(b));
    CHECK(aligned(b, 16));
    CHECK(arena.allocate(net::FieldArena::capacity, 1) == nullptr);  // no room left for it
    int outside = 0;
    CHECK_FALSE(arena.owns(&outside));
    arena.reset();
    CHECK(arena.allocate(net::FieldArena::capacity, 1) != nullptr);  // all of it again
}

TEST_CASE("an allocator without an arena, or with a full one, uses the heap") {
    net::FieldArena arena;
    net::FieldAllocator<std::uint64_t> none;
    std::uint64_t* p = none.allocate(4);  // ASan: freed below, or it leaks
    CHECK_FALSE(arena.owns(p));
    none.deallocate(p, 4);

    net::FieldAllocator<std::uint64_t> from_arena(&arena);
    std::uint64_t* big = from_arena.allocate(net::FieldArena::capacity);  // too large for it
    CHECK_FALSE(arena.owns(big));
    big[0] = 1;
    from_arena.deallocate(big, net::FieldArena::capacity);  // to the heap it came from
    std::uint64_t* small = from_arena.allocate(2);
    CHECK(arena.owns(small));
    from_arena.deallocate(small, 2);  // a no-op: the arena takes it back on reset()
}

TEST_CASE("a request's fields live in the arena; a copy of it does not") {
    net::FieldArena arena;
    net::Request copy;
    {
        const net::Request req = parse(request_with("first"), arena);
        CHECK(req["X-Value"] == "first");
        CHECK(arena.owns(req["X-Value"].data()));
        copy = req;  // copy-assigned: into copy's own (heap) allocator
    }
    arena.reset();
    const net::Request next = parse(request_with("other"), arena);  // reuses the same bytes
    CHECK(next["X-Value"] == "other");
    CHECK(copy["X-Value"] == "first");
    CHECK_FALSE(arena.owns(copy["X-Value"].data()));
    const net::Request copied(next);  // copy-constructed: select_on_container_copy_construction
    CHECK_FALSE(arena.owns(copied["X-Value"].data()));
}

TEST_CASE("a header larger than the arena spills to the heap, value intact") {
    net::FieldArena arena;
    const std::string big(2 * net::FieldArena::capacity, 'v');
    const net::Request req = parse(request_with(big), arena);
    CHECK(req["X-Value"] == big);
    CHECK_FALSE(arena.owns(req["X-Value"].data()));
    CHECK(req[http::field::host] == "h");
}

TEST_CASE("an answer made for a request shares its arena") {
    net::FieldArena arena;
    const net::Request req = parse(request_with("v"), arena);
    const net::Response res = net::json_response(req, http::status::ok, "{}");
    CHECK(res[http::field::content_type] == "application/json");
    CHECK(arena.owns(res[http::field::content_type].data()));
    CHECK(res.version() == 11);
    CHECK(res.result() == http::status::ok);
    CHECK(res.body() == "{}");
}
