// The DB thread, its queue and group commit. Everything that touches SQLite
// runs on that one thread; I/O threads only push to the queue and resume when
// their batch's results are posted back to their own executor.
#include "store.hpp"

#include <algorithm>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>
#include <skill/log.hpp>

#include "entry_table.hpp"
#include "json_numbers.hpp"

namespace skill::stub {

struct Store::Pending {
    explicit Pending(Operation o) : op(std::move(o)) {}
    virtual ~Pending() = default;
    /// Where the caller resumes; tracks outstanding work there until the result is handed over.
    virtual const boost::asio::any_io_executor& executor() const noexcept = 0;
    /// On that executor: resumes the caller with `result`.
    virtual void resume() = 0;

    Operation op;
    StoreResult result;
};

/// The transaction statements of a batch, prepared once: run from SQL text,
/// SQLite would parse and plan each of them again for every batch.
struct Store::Transaction {
    explicit Transaction(Database& db)
        : begin(db, "BEGIN IMMEDIATE"),
          begin_read(db, "BEGIN"),
          commit(db, "COMMIT"),
          rollback(db, "ROLLBACK") {}

    Statement begin;
    Statement begin_read;  // a batch of reads only: no write lock to take
    Statement commit;
    Statement rollback;
};

namespace {

/// One queued operation with the handler of the coroutine that waits for it
/// (a single allocation for both).
template <class Handler>
class PendingFor final : public Store::Pending {
  public:
    PendingFor(Handler handler, Operation op)
        : Pending(std::move(op)),
          handler_(std::move(handler)),
          work_(boost::asio::prefer(boost::asio::get_associated_executor(handler_),
                                    boost::asio::execution::outstanding_work.tracked)) {}

    const boost::asio::any_io_executor& executor() const noexcept override { return work_; }
    void resume() override { std::move(handler_)(std::move(result)); }

  private:
    Handler handler_;
    boost::asio::any_io_executor work_;
};

StoreResult failure(std::string error) {
    StoreResult r;
    r.ok = false;
    r.error = std::move(error);
    return r;
}

bool writes(Operation::Kind kind) {
    return kind != Operation::Kind::get && kind != Operation::Kind::get_all;
}

/// One operation of a batch: if it fails, the DB is unchanged by it and the rest
/// of the batch still commits. That needs no savepoint (SAVEPOINT + RELEASE cost
/// 40 % of a set): every operation runs at most one writing statement, as its
/// last step (EntryTable::apply), and SQLite undoes a failed statement by
/// itself, or else the whole transaction, which then fails the whole batch at
/// COMMIT, as it would after a failed ROLLBACK TO.
StoreResult apply_isolated(EntryTable& table, Operation& op) {
    try {
        return table.apply(op);
    } catch (const std::exception& e) {
        return failure(e.what());
    }
}

}  // namespace

Store::Store(const std::string& path) {
    try {
        table_ = std::make_unique<EntryTable>(path);
        tx_ = std::make_unique<Transaction>(table_->db());
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
    // Not finite: left to EntryTable::set, which refuses it (serialised, it is not JSON).
    if (op.kind == Operation::Kind::set && op.json.empty() && finite_numbers(op.data))
        op.json = boost::json::serialize(op.data);
    auto initiate = [this](auto handler, Operation operation) {
        using Handler = decltype(handler);
        enqueue(std::make_unique<PendingFor<Handler>>(std::move(handler), std::move(operation)));
    };
    // Not a coroutine itself: the awaitable async_initiate returns is the only frame.
    return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(StoreResult)>(
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
        pending->result = failure("store is shutting down");
        Batch refused;
        refused.push_back(std::move(pending));
        complete(refused);
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
    // Swapped with the queue: both keep their capacity, so batches allocate nothing.
    Batch batch;
    for (;;) {
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
    const bool reads_only =
        std::none_of(batch.begin(), batch.end(), [](const auto& p) { return writes(p->op.kind); });
    try {
        // IMMEDIATE: take the write lock up front, so a concurrent process
        // cannot make the commit fail half-way with SQLITE_BUSY.
        (reads_only ? tx_->begin_read : tx_->begin).run();
        for (const auto& pending : batch) {
            pending->result = apply_isolated(*table_, pending->op);
            // SQLite rolled the whole transaction back: the operations after this
            // one would run (and commit) one by one. Fail the batch instead.
            if (!pending->result.ok && !table_->db().in_transaction())
                throw SqliteError("the transaction was rolled back: " + pending->result.error);
        }
        tx_->commit.run();  // the one fsync every writer of this batch waited for
        std::lock_guard lock(mutex_);
        ++commits_;
    } catch (const std::exception& e) {
        try {
            tx_->rollback.run();
        } catch (const std::exception&) {
            // Nothing was begun, or SQLite already rolled back on its own.
        }
        skill::log::error("persistence-stub", "transaction failed",
                          {{"operations", static_cast<std::int64_t>(batch.size())},
                           {"error", std::string_view(e.what())}});
        for (const auto& pending : batch)
            pending->result = failure(std::string("transaction failed: ") + e.what());
    }
    complete(batch);
}

void Store::complete(Batch& batch) {
    // Group by executor, in queue order: each post takes the scheduler's lock and
    // may have to wake its I/O thread out of epoll_wait.
    struct Group {
        boost::asio::any_io_executor executor;
        Batch items;
    };
    std::vector<Group> groups;
    for (auto& pending : batch) {
        auto group = std::find_if(groups.begin(), groups.end(), [&](const Group& g) {
            return g.executor == pending->executor();
        });
        if (group == groups.end())
            group = groups.insert(groups.end(), Group{pending->executor(), {}});
        group->items.push_back(std::move(pending));
    }
    batch.clear();
    for (auto& group : groups) {
        boost::asio::post(group.executor, [items = std::move(group.items)]() mutable {
            for (auto& pending : items) pending->resume();
        });
    }
}

}  // namespace skill::stub
