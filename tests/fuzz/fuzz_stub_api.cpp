// libFuzzer target: the persistence stub's request handling (StubApi::handle)
// on an in-memory SQLite Store. Raw bytes are read as pipelined HTTP requests
// with the stub's limits; each runs on a one-thread io_context, both against a
// stub that reads token claims unverified (dev mode) and one that checks HS256.
// Invariants: handle never throws; every answer has an expected status and is
// JSON (204 empty); a successful replacing POST is readable back with GET.
#include "fuzz_http.hpp"
#include "stub_server.hpp"

#include <skill/log.hpp>

#include <boost/asio/io_context.hpp>

namespace {

using namespace skill;
namespace http = net::http;
using fuzz::violated;

struct Stub {
    explicit Stub(std::optional<std::string> secret)
        : store(":memory:"), api(store, stub::JwtVerifier(std::move(secret))) {}
    stub::Store store;
    stub::StubApi api;
};

bool known_status(http::status s) {
    switch (s) {
        case http::status::ok:
        case http::status::no_content:
        case http::status::bad_request:
        case http::status::unauthorized:
        case http::status::not_found:
        case http::status::method_not_allowed:
        case http::status::precondition_failed:  // If-Match / If-None-Match not met
            return true;
        default:
            return false;  // 500 means the in-memory store failed: a bug here
    }
}

net::Response handle(Stub& stub, boost::asio::io_context& io, net::Request& req) {
    net::Response res = fuzz::run_to_completion(io, [&] { return stub.api.handle(req); });
    if (!known_status(res.result())) violated("unexpected status");
    fuzz::check_json_answer(res);
    return res;
}

bool replacing_post(const net::Request& req) {
    auto target = req.target();
    return req.method() == http::verb::post && target == stub::entry_path;
}

// What was just stored under this token must be there for a GET with the same token.
void check_readback(Stub& stub, boost::asio::io_context& io, const net::Request& post) {
    net::Request get{http::verb::get, stub::data_path, 11};
    get.set(http::field::authorization, post[http::field::authorization]);
    if (handle(stub, io, get).result() != http::status::ok) violated("stored data not readable");
}

void serve(Stub& stub, boost::asio::io_context& io, net::Request req) {
    const bool check = replacing_post(req);
    net::Response res = handle(stub, io, req);
    if (check && res.result() == http::status::ok) check_readback(stub, io, req);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    log::configure(log::Level::off, log::Format::json);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static boost::asio::io_context io{1};
    static Stub dev{std::nullopt};
    static Stub checked{std::string(stub::default_dev_secret)};
    static const stub::StubOptions options;  // the stub's default limits
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    for (int i = 0; i < 4 && !bytes.empty(); ++i) {
        auto req = fuzz::next_request(bytes, 8 * 1024, options.max_body_bytes);
        if (!req) break;
        serve(checked, io, *req);
        serve(dev, io, std::move(*req));
    }
    return 0;
}
