// FakePartner: a loopback HTTP/1.1 server on its own thread (keep-alive, like a partner
// behind the runtime's pooled client), answering by method and path from canned rules.
#include <skill/testing/fake_partner.hpp>

#include <skill/net/http.hpp>
#include <skill/ascii.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>

#include <mutex>
#include <thread>

namespace skill::testing {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

struct Rule {
    int status = 404;
    std::string body = "{}";
    std::chrono::milliseconds delay{0};
};

}  // namespace

struct FakePartner::Impl {
    Impl() {
        acceptor.open(tcp::v4());
        acceptor.set_option(tcp::acceptor::reuse_address(true));
        acceptor.bind({asio::ip::make_address("127.0.0.1"), 0});
        acceptor.listen();
        port = acceptor.local_endpoint().port();
    }

    asio::awaitable<void> accept_loop() {
        for (;;) {
            auto socket = co_await acceptor.async_accept(asio::use_awaitable);
            asio::co_spawn(io, serve(std::move(socket)), asio::detached);
        }
    }

    asio::awaitable<void> serve(tcp::socket socket) {
        try {
            boost::beast::flat_buffer buffer;
            for (;;) {
                net::Request request;
                co_await http::async_read(socket, buffer, request, asio::use_awaitable);
                Request seen;
                seen.method = std::string(request.method_string());
                seen.target = std::string(request.target());
                for (const auto& field : request) seen.headers[ascii::to_lower(field.name_string())] = std::string(field.value());
                seen.body = request.body();
                const std::string path = seen.target.substr(0, seen.target.find('?'));
                Rule rule;
                {
                    std::lock_guard lock(mutex);
                    requests.push_back(std::move(seen));
                    if (auto it = rules.find(std::string(request.method_string()) + " " + path);
                        it != rules.end())
                        rule = it->second;
                }
                if (rule.delay.count() > 0) {
                    asio::steady_timer later(io, rule.delay);
                    co_await later.async_wait(asio::use_awaitable);
                }
                std::string text = "HTTP/1.1 " + std::to_string(rule.status) +
                                   " Fake\r\nContent-Type: application/json\r\nContent-Length: " +
                                   std::to_string(rule.body.size()) + "\r\n\r\n" + rule.body;
                co_await asio::async_write(socket, asio::buffer(text), asio::use_awaitable);
            }
        } catch (const boost::system::system_error&) {
            // the client went away
        }
    }

    asio::io_context io;
    tcp::acceptor acceptor{io};
    std::uint16_t port = 0;
    std::thread thread;
    mutable std::mutex mutex;
    std::map<std::string, Rule> rules;  // "GET /path" -> answer
    std::vector<Request> requests;
};

std::string FakePartner::Request::header(const std::string& name) const {
    auto it = headers.find(ascii::to_lower(name));
    return it == headers.end() ? std::string{} : it->second;
}

FakePartner::FakePartner() : impl_(std::make_unique<Impl>()) {
    asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
    impl_->thread = std::thread([this] { impl_->io.run(); });
}

FakePartner::~FakePartner() {
    impl_->io.stop();
    impl_->thread.join();
}

std::uint16_t FakePartner::port() const noexcept { return impl_->port; }

std::string FakePartner::url() const { return "http://127.0.0.1:" + std::to_string(impl_->port); }

void FakePartner::on(std::string method, std::string path, int status, std::string body,
                     std::chrono::milliseconds delay) {
    std::lock_guard lock(impl_->mutex);
    impl_->rules[method + " " + path] = Rule{status, std::move(body), delay};
}

std::vector<FakePartner::Request> FakePartner::requests() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->requests;
}

}  // namespace skill::testing
