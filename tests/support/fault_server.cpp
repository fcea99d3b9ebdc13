#include "fault_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <thread>

namespace skill::test {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

struct FaultServer::Impl {
    explicit Impl(FaultServer& s) : self(s) {
        acceptor.open(tcp::v4());
        acceptor.set_option(tcp::acceptor::reuse_address(true));
        acceptor.bind({asio::ip::make_address("127.0.0.1"), 0});
        acceptor.listen();
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
                {
                    std::lock_guard lock(self.mutex_);
                    self.requests_.push_back(request);
                }
                if (!co_await answer(socket)) co_return;
            }
        } catch (const boost::system::system_error&) {
            // the client went away (or gave up waiting): nothing to do
        }
    }

    /// Answers one request as the mode says; false when the connection is done.
    asio::awaitable<bool> answer(tcp::socket& socket) {
        switch (self.mode_.load()) {
            case Mode::hang: {
                asio::steady_timer never(io, std::chrono::hours(1));
                co_await never.async_wait(asio::use_awaitable);
                co_return false;
            }
            case Mode::slow: {
                asio::steady_timer later(io, self.delay_.load());
                co_await later.async_wait(asio::use_awaitable);
                break;
            }
            case Mode::garbage: {
                std::string text = response(200, "<html>not json");
                co_await asio::async_write(socket, asio::buffer(text), asio::use_awaitable);
                co_return true;
            }
            case Mode::canned:
                break;
        }
        std::string text;
        {
            std::lock_guard lock(self.mutex_);
            text = response(self.status_, self.body_);
        }
        co_await asio::async_write(socket, asio::buffer(text), asio::use_awaitable);
        co_return true;
    }

    static std::string response(int status, const std::string& body) {
        return "HTTP/1.1 " + std::to_string(status) +
               " Whatever\r\nContent-Type: application/json\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body;
    }

    FaultServer& self;
    asio::io_context io;
    tcp::acceptor acceptor{io};
    std::thread thread;
};

FaultServer::FaultServer(Mode mode) : mode_(mode), impl_(std::make_unique<Impl>(*this)) {
    port_ = impl_->acceptor.local_endpoint().port();
    asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
    impl_->thread = std::thread([this] { impl_->io.run(); });
}

FaultServer::~FaultServer() {
    impl_->io.stop();
    impl_->thread.join();
}

void FaultServer::set_answer(int status, std::string body) {
    std::lock_guard lock(mutex_);
    status_ = status;
    body_ = std::move(body);
    mode_ = Mode::canned;
}

std::vector<net::Request> FaultServer::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

}  // namespace skill::test
