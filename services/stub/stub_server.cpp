#include "stub_server.hpp"

namespace skill::stub {

namespace {

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

StubServer::StubServer(StubOptions options)
    : options_(std::move(options)),
      store_(std::make_unique<Store>(options_.db_path)),
      api_(std::make_unique<StubApi>(*store_, JwtVerifier(options_.jwt_secret))),
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
void StubServer::run_until_signal() {
    server_->run_until_signal();
}
std::uint16_t StubServer::port() const noexcept {
    return server_->port();
}

}  // namespace skill::stub
