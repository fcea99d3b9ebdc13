#include "stub_server.hpp"

#include <boost/asio/ip/address.hpp>
#include <stdexcept>

namespace skill::stub {

namespace {

/// Checked before anything is opened: a refused configuration touches nothing.
StubOptions checked(StubOptions o) {
    if (auto problem = identity_options_problem(o); !problem.empty())
        throw std::invalid_argument(problem);
    return o;
}

net::ServerOptions server_options(const StubOptions& o) {
    net::ServerOptions s;
    s.host = o.host;
    s.port = o.port;
    s.threads = o.threads == 0 ? 1 : o.threads;
    s.limits.max_body_bytes = o.max_body_bytes;
    s.limits.max_connections = o.max_connections;
    s.name = "persistence-stub";
    s.error_body = &error_body;  // 413, 431, ... in the same {"error","detail"} shape
    s.tls = o.tls;
    return s;
}

}  // namespace

bool is_loopback(std::string_view host) {
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(std::string(host), ec);
    if (ec) return false;
    if (address.is_v4()) return address.to_v4().is_loopback();
    const auto v6 = address.to_v6();
    if (v6.is_v4_mapped())
        return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).is_loopback();
    return v6.is_loopback();
}

std::string identity_options_problem(const StubOptions& options) {
    if (options.jwt_secret && options.jwt_secret->empty())
        return "the JWT secret is empty: give a non-empty secret, or none for unverified "
               "development mode";
    if (!options.jwt_secret && !options.insecure_unverified && !is_loopback(options.host))
        return "refusing to trust unverified tokens on " + options.host +
               ", which is not a loopback address: give a JWT secret (--jwt-secret or "
               "PERSISTENCE_STUB_JWT_SECRET), or pass --insecure-unverified";
    return {};
}

StubServer::StubServer(StubOptions options)
    : options_(checked(std::move(options))),
      store_(std::make_unique<Store>(options_.db_path, options_.max_queued_write_bytes)),
      api_(std::make_unique<StubApi>(*store_, JwtVerifier(options_.jwt_secret),
                                     options_.base_path)),
      server_(std::make_unique<net::HttpServer>(
          server_options(options_),
          [api = api_.get()](net::Request& req) { return api->handle(req); })) {}

StubServer::~StubServer() {
    // Order matters: the I/O threads end first (nothing calls the API any
    // more), then the store finishes its queue and posts the last results to
    // io_contexts that still exist, then those io_contexts go.
    server_->drain();
    server_->wait();
    store_.reset();
    server_.reset();
}

std::uint16_t StubServer::start() {
    return server_->start();
}
void StubServer::drain() {
    server_->drain();
}
void StubServer::wait() {
    server_->wait();
}
void StubServer::drain_on_signal() {
    server_->drain_on_signal();
}
void StubServer::run_until_signal() {
    server_->run_until_signal();
}
std::uint16_t StubServer::port() const noexcept {
    return server_->port();
}

}  // namespace skill::stub
