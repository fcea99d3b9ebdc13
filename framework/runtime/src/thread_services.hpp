#pragma once
// What the invocations of one I/O thread use. Every thread has its own service clients
// (keep-alive pools, TLS sessions, transports) and its own metrics shard: nothing on the
// request path crosses threads or looks up which thread it is on.
#include <skill/net/http_client.hpp>
#include <skill/partner_http.hpp>
#include <skill/persistence_http.hpp>

#include <memory>

namespace skill::runtime {

/// The view the request path gets.
struct ThreadServices {
    unsigned shard = 0;                           // the metrics block this thread writes
    PersistenceTransport* persistence = nullptr;  // null: persistence inactive
    PartnerTransport* partners = nullptr;         // null: no partner declared
};

/// What one thread owns: built on its io_context, destroyed while that still exists.
struct ThreadClients {
    std::unique_ptr<net::HttpClient> client;  // null: no outbound service configured
    std::unique_ptr<HttpPersistenceTransport> persistence;
    std::unique_ptr<HttpPartnerTransport> partners;
};

}  // namespace skill::runtime
