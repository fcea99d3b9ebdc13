// The DB thread, its queue and group commit. Everything that touches SQLite
// runs on that one thread; I/O threads only push to the queue and resume when
// their handler is posted back to their own executor.
#include "store.hpp"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <skill/log.hpp>
#include <vector>

#include "entry_table.hpp"

namespace skill::stub {

struct Store::Waiter {
    virtual ~Waiter() = default;
    /// Called once, on the DB thread; must not run the caller's code there.
    virtual void complete(StoreResult result) = 0;
};

struct Store::Pending {
    Operation op;
    std::unique_ptr<Waiter> waiter;
};

namespace {

/// Keeps the caller's executor busy (outstanding work) until the result is
/// posted back, so its io_context does not run out of work meanwhile.
template <class Handler>
class WaiterFor final : public Store::Waiter {
  public:
    explicit WaiterFor(Handler handler)
        : handler_(std::move(handler)),
          work_(boost::asio::prefer(boost::asio::get_associated_executor(handler_),
                                    boost::asio::execution::outstanding_work.tracked)) {}

    void complete(StoreResult result) override {
        boost::asio::post(work_, [h = std::move(handler_), r = std::move(result)]() mutable {
            std::move(h)(std::move(r));
        });
    }

  private:
    Handler handler_;
    decltype(boost::asio::prefer(std::declval<boost::asio::associated_executor_t<Handler>>(),
                                 boost::asio::execution::outstanding_work.tracked)) work_;
};

StoreResult failure(std::string error) {
    StoreResult r;
    r.ok = false;
    r.error = std::move(error);
    return r;
}

/// One operation under its own savepoint: if it fails, only its changes are
/// undone and the rest of the batch still commits.
StoreResult apply_isolated(EntryTable& table, const Operation& op) {
    Database& db = table.db();
    db.exec("SAVEPOINT op");
    try {
        StoreResult r = table.apply(op);
        db.exec("RELEASE op");
        return r;
    } catch (const std::exception& e) {
        try {
            db.exec("ROLLBACK TO op");
            db.exec("RELEASE op");
        } catch (const std::exception&) {
            // COMMIT/ROLLBACK of the whole batch reports what is wrong with the connection.
        }
        return failure(e.what());
    }
}

}  // namespace

Store::Store(const std::string& path) {
    try {
        table_ = std::make_unique<EntryTable>(path);
    } catch (const SqliteError& e) {
        throw StoreError(e.what());
    }
    thread_ = std::thread([this] { run(); });
}

Store::~Store() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

boost::asio::awaitable<StoreResult> Store::submit(Operation op) {
    auto initiate = [this](auto handler, Operation operation) {
        auto pending = std::make_unique<Pending>();
        pending->op = std::move(operation);
        pending->waiter = std::make_unique<WaiterFor<decltype(handler)>>(std::move(handler));
        enqueue(std::move(pending));
    };
    co_return co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&,
                                                   void(StoreResult)>(
        initiate, boost::asio::use_awaitable, std::move(op));
}

void Store::enqueue(std::unique_ptr<Pending> pending) {
    {
        std::lock_guard lock(mutex_);
        if (!stopping_) {
            queue_.push_back(std::move(pending));
            pending = nullptr;
        }
    }
    if (pending) {
        pending->waiter->complete(failure("store is shutting down"));
        return;
    }
    wake_.notify_one();
}

void Store::pause() {
    std::lock_guard lock(mutex_);
    paused_ = true;
}

void Store::resume() {
    {
        std::lock_guard lock(mutex_);
        paused_ = false;
    }
    wake_.notify_one();
}

std::uint64_t Store::commits() const {
    std::lock_guard lock(mutex_);
    return commits_;
}

void Store::run() {
    for (;;) {
        Batch batch;
        {
            std::unique_lock lock(mutex_);
            // On shutdown the queue is finished even when paused.
            wake_.wait(lock, [this] { return stopping_ || (!paused_ && !queue_.empty()); });
            if (queue_.empty()) return;
            batch.swap(queue_);
        }
        execute(batch);
    }
}

void Store::execute(Batch& batch) {
    Database& db = table_->db();
    std::vector<StoreResult> results;
    results.reserve(batch.size());
    try {
        // IMMEDIATE: take the write lock up front, so a concurrent process
        // cannot make the commit fail half-way with SQLITE_BUSY.
        db.exec("BEGIN IMMEDIATE");
        for (const auto& pending : batch) results.push_back(apply_isolated(*table_, pending->op));
        db.exec("COMMIT");  // the one fsync every writer of this batch waited for
        std::lock_guard lock(mutex_);
        ++commits_;
    } catch (const std::exception& e) {
        try {
            db.exec("ROLLBACK");
        } catch (const std::exception&) {
            // Nothing was begun, or SQLite already rolled back on its own.
        }
        skill::log::error("persistence-stub", "transaction failed",
                          {{"operations", static_cast<std::int64_t>(batch.size())},
                           {"error", std::string_view(e.what())}});
        results.assign(batch.size(), failure(std::string("transaction failed: ") + e.what()));
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
        batch[i]->waiter->complete(std::move(results[i]));
    }
}

}  // namespace skill::stub
