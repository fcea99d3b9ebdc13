#pragma once
// Calling a stub Store from a test: build an operation, run it on a private
// io_context, read its serialised data back.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "store.hpp"

namespace skill::test {

inline stub::Operation op(stub::Operation::Kind kind, std::string user, std::string skill,
                          boost::json::object data = {}, stub::Precondition condition = {}) {
    stub::Operation o{kind, std::move(user), std::move(skill), std::move(data)};
    o.condition = condition;
    return o;
}

/// Spawn one submit on `io`; the result lands in `out` once `io` runs it to the end.
inline void spawn(boost::asio::io_context& io, stub::Store& store, stub::Operation o,
                  std::optional<stub::StoreResult>& out) {
    boost::asio::co_spawn(io, store.submit(std::move(o)),
                          [&out](std::exception_ptr e, stub::StoreResult r) {
                              if (e) std::rethrow_exception(e);
                              out = std::move(r);
                          });
}

/// One operation, run to its end.
inline stub::StoreResult call(stub::Store& store, stub::Operation o) {
    boost::asio::io_context io;
    std::optional<stub::StoreResult> out;
    spawn(io, store, std::move(o), out);
    io.run();
    REQUIRE(out);
    return std::move(*out);
}

/// `ops_a` queued on `a` and `ops_b` on `b` while both are paused, then both released
/// together: each store runs its operations as one batch, at the same time as the other
/// (two replicas' transactions overlapping). Every answer, a's then b's.
inline std::vector<stub::StoreResult> run_batches_together(stub::Store& a,
                                                           std::vector<stub::Operation> ops_a,
                                                           stub::Store& b,
                                                           std::vector<stub::Operation> ops_b) {
    boost::asio::io_context io;
    std::vector<std::optional<stub::StoreResult>> out(ops_a.size() + ops_b.size());
    a.pause();
    b.pause();
    std::size_t i = 0;
    for (auto& o : ops_a) spawn(io, a, std::move(o), out[i++]);
    for (auto& o : ops_b) spawn(io, b, std::move(o), out[i++]);
    io.poll();  // every coroutine queues its operation
    a.resume();
    b.resume();
    io.run();
    std::vector<stub::StoreResult> results;
    for (auto& r : out) {
        REQUIRE(r);
        results.push_back(std::move(*r));
    }
    return results;
}

/// A result's data: the store answers it serialised, as the wire carries it.
inline boost::json::object parsed(const stub::StoreResult& r) {
    return boost::json::parse(r.data).as_object();
}

}  // namespace skill::test
