// The DB thread, its queue and group commit. Everything that touches the
// database (a Backend) runs on that one thread; I/O threads only push to the queue and resume when
// their batch's results are posted back to their own executor.
#include "store.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>
#include <functional>
#include <skill/log.hpp>

#include "backend.hpp"
#include "json_numbers.hpp"

namespace skill::stub {

namespace {

/// Stripes of (user, skill) keys, each with its count of writes started. A write
/// makes the cached entries of every key of its stripe look stale: a miss, never
/// a wrong answer.
constexpr std::size_t version_stripes = 4096;

std::atomic<std::uint64_t> next_store_id{1};

std::size_t key_hash(std::string_view user, std::string_view skill) noexcept {
    const std::size_t h = std::hash<std::string_view>{}(user);
    return h ^ (std::hash<std::string_view>{}(skill) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
}

/// One thread's cache of entries for Store::read_cached(): what the gets and
/// writes of its callers answered, each tagged with its stripe's version at the
/// time. 64 sets of 4, like the token cache; entries of several stores may mix.
class ReadCache {
  public:
    struct Entry {
        std::uint64_t store = 0;  // 0: unused
        std::size_t hash = 0;
        std::uint64_t version = 0;
        bool found = false;
        std::int64_t id = 0;
        std::int64_t entry_version = 0;  // the entry's own version (StoreResult::version)
        std::string user;
        std::string skill;
        std::string data;
    };

    Entry* find(std::uint64_t store, std::size_t hash, std::string_view user,
                std::string_view skill) noexcept {
        const std::size_t first = set_of(hash) * ways;
        for (std::size_t i = first; i < first + ways; ++i) {
            Entry& e = entries_[i];
            if (e.store == store && e.hash == hash && e.user == user && e.skill == skill) return &e;
        }
        return nullptr;
    }

    /// Keeps what `r` says the entry of (user, skill) is at `version`; an entry too
    /// large to keep is dropped instead.
    void remember(std::uint64_t store, std::size_t hash, std::string_view user,
                  std::string_view skill, std::uint64_t version, const StoreResult& r) {
        Entry* e = find(store, hash, user, skill);
        const bool fits = r.data.size() <= Store::read_cache_max_bytes &&
                          user.size() + skill.size() <= max_key_bytes;
        if (!fits) {
            if (e) e->store = 0;
            return;
        }
        if (e && e->version > version) return;  // a later answer was kept already
        if (!e) {
            e = &victim(hash);
            e->store = store;
            e->hash = hash;
            e->user = user;
            e->skill = skill;
        }
        e->version = version;
        e->found = r.found;
        e->id = r.id;
        e->entry_version = r.version;
        e->data = r.data;
    }

  private:
    static constexpr std::size_t ways = 4;
    static constexpr std::size_t sets = Store::read_cache_entries / ways;
    static constexpr std::size_t max_key_bytes = 1024;

    static std::size_t set_of(std::size_t hash) noexcept { return (hash >> 12) % sets; }

    Entry& victim(std::size_t hash) noexcept {
        const std::size_t set = set_of(hash);
        for (std::size_t i = set * ways; i < (set + 1) * ways; ++i)
            if (entries_[i].store == 0) return entries_[i];
        const std::size_t way = next_victim_[set]++ % ways;
        return entries_[set * ways + way];
    }

    std::array<Entry, Store::read_cache_entries> entries_;
    std::array<unsigned char, sets> next_victim_{};
};

thread_local std::unique_ptr<ReadCache> t_read_cache;

bool cacheable(Operation::Kind kind) {
    return kind != Operation::Kind::get_all;
}

}  // namespace

struct Store::Pending {
    explicit Pending(Operation o) : op(std::move(o)) {}
    virtual ~Pending() = default;
    /// Where the caller resumes; tracks outstanding work there until the result is handed over.
    virtual const boost::asio::any_io_executor& executor() const noexcept = 0;
    /// On that executor: resumes the caller with `result`.
    virtual void resume() = 0;

    /// On that executor, before resume(): a result that tells the entry's committed
    /// state goes into the thread's read cache.
    void remember() const {
        // A failed precondition tells the entry's version but not its data.
        if (!result.ok || result.precondition_failed || !cacheable(op.kind) || store == 0) return;
        if (!t_read_cache) t_read_cache = std::make_unique<ReadCache>();
        // A remove's `found` says whether it deleted a row; either way there is none now.
        static const StoreResult none;
        const StoreResult& now = op.kind == Operation::Kind::remove ? none : result;
        t_read_cache->remember(store, hash, op.user, op.skill, version, now);
    }

    Operation op;
    StoreResult result;
    std::size_t cost = 0;  // counted in queued_write_bytes_ while queued or running
    // Set by the DB thread for the read cache: the store's id (0: not run), the key's
    // hash and its stripe's version after this operation.
    std::uint64_t store = 0;
    std::size_t hash = 0;
    std::uint64_t version = 0;
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

bool writes(Operation::Kind kind) {
    return kind != Operation::Kind::get && kind != Operation::Kind::get_all;
}

/// What a queued write holds, roughly: its data (serialised or as the request
/// carried it), its ids, and the queue entry with the waiting coroutine's handler.
std::size_t write_cost(const Operation& op) {
    constexpr std::size_t entry_overhead = 256;
    return std::max(op.json.size(), op.bytes) + op.user.size() + op.skill.size() + entry_overhead;
}

}  // namespace

Store::Store(const std::string& path, std::size_t max_queued_write_bytes)
    : id_(next_store_id.fetch_add(1)),
      versions_(new std::atomic<std::uint64_t>[version_stripes]()),
      max_queued_write_bytes_(max_queued_write_bytes) {
    backend_ = open_backend(path);
    cached_ = !backend_->shared();
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

std::atomic<std::uint64_t>& Store::version_of(std::size_t key_hash) const noexcept {
    return versions_[key_hash % version_stripes];
}

std::optional<StoreResult> Store::read_cached(std::string_view user, std::string_view skill) const {
    if (!cached_ || !t_read_cache) return std::nullopt;
    const std::size_t hash = key_hash(user, skill);
    const auto* e = t_read_cache->find(id_, hash, user, skill);
    // Acquire: pairs with the DB thread's release of a write's new version.
    if (!e || e->version != version_of(hash).load(std::memory_order_acquire)) return std::nullopt;
    std::optional<StoreResult> r(std::in_place);
    r->found = e->found;
    r->id = e->id;
    r->version = e->entry_version;
    if (e->found) r->data = e->data;
    return r;
}

void Store::enqueue(std::unique_ptr<Pending> pending) {
    const bool write = writes(pending->op.kind);
    const std::size_t cost = write ? write_cost(pending->op) : 0;
    bool busy = false;
    bool first_refusal = false;
    std::size_t queued = 0;
    {
        std::lock_guard lock(mutex_);
        if (!stopping_) {
            busy = write && queued_write_bytes_ > 0 &&
                   queued_write_bytes_ + cost > max_queued_write_bytes_;
            if (busy) {
                ++refused_;
                first_refusal = refused_unlogged_++ == 0;
                queued = queued_write_bytes_;
            } else {
                pending->cost = cost;
                queued_write_bytes_ += cost;
                queue_.push_back(std::move(pending));
                pending = nullptr;
            }
        }
    }
    if (pending) {
        if (busy) {
            pending->result.ok = false;
            pending->result.busy = true;
            pending->result.error = "write queue full";
            // One line when refusals start; release() sums up the rest after the next commit.
            if (first_refusal)
                skill::log::warning("persistence-stub", "write queue full: refusing writes (503)",
                                    {{"queued_bytes", static_cast<std::int64_t>(queued)},
                                     {"max_queued_write_bytes",
                                      static_cast<std::int64_t>(max_queued_write_bytes_)}});
        } else {
            pending->result = failure("store is shutting down");
        }
        Batch refused;
        refused.push_back(std::move(pending));
        complete(refused);
        return;
    }
    wake_.notify_one();
}

void Store::release(const Batch& batch) {
    std::size_t bytes = 0;
    for (const auto& pending : batch) bytes += pending->cost;
    std::uint64_t refused = 0;
    std::size_t queued = 0;
    {
        std::lock_guard lock(mutex_);
        queued_write_bytes_ -= bytes;
        queued = queued_write_bytes_;
        if (bytes > 0) std::swap(refused, refused_unlogged_);
    }
    if (refused > 0)
        skill::log::warning(
            "persistence-stub", "writes refused while the write queue was full",
            {{"refused", static_cast<std::int64_t>(refused)},
             {"queued_bytes", static_cast<std::int64_t>(queued)},
             {"max_queued_write_bytes", static_cast<std::int64_t>(max_queued_write_bytes_)}});
}

std::size_t Store::queued_write_bytes() const {
    std::lock_guard lock(mutex_);
    return queued_write_bytes_;
}

std::uint64_t Store::refused_writes() const {
    std::lock_guard lock(mutex_);
    return refused_;
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
    // A batch the database chose as a deadlock's victim was rolled back whole and
    // nothing of it is visible: it runs again, a few times, before its callers get 500.
    constexpr int max_attempts = 4;
    for (int attempt = 1;; ++attempt) {
        try {
            // One transaction, committed: the one fsync every writer of this batch waited for.
            backend_->run_batch(BatchView(*this, batch), !reads_only);
            std::lock_guard lock(mutex_);
            ++commits_;
            break;
        } catch (const std::exception& e) {
            // Asked before the rollback, which is a statement of its own.
            const bool again = attempt < max_attempts && backend_->may_retry();
            backend_->rollback();
            skill::log::write(
                again ? skill::log::Level::warning : skill::log::Level::error, "persistence-stub",
                again ? "transaction rolled back, running it again" : "transaction failed",
                {{"operations", static_cast<std::int64_t>(batch.size())},
                 {"attempt", static_cast<std::int64_t>(attempt)},
                 {"error", std::string_view(e.what())}});
            if (again) continue;
            for (const auto& pending : batch)
                pending->result = failure(std::string("transaction failed: ") + e.what());
            break;
        }
    }
    // Committed (or failed): the operations' data is freed with the batch in complete().
    release(batch);
    complete(batch);
}

Operation& Store::BatchView::op(std::size_t i) const noexcept {
    return (*batch_)[i]->op;
}

StoreResult& Store::BatchView::result(std::size_t i) const noexcept {
    return (*batch_)[i]->result;
}

void Store::BatchView::starting(std::size_t i) const noexcept {
    store_->stamp(*(*batch_)[i]);
}

void Store::stamp(Pending& pending) const noexcept {
    const auto& op = pending.op;
    if (!cached_ || !cacheable(op.kind)) return;
    pending.store = id_;
    pending.hash = key_hash(op.user, op.skill);
    auto& version = version_of(pending.hash);
    pending.version = version.load(std::memory_order_relaxed);  // only this thread writes it
    if (writes(op.kind)) {
        // Before the write: from now on a cached entry of this key is stale everywhere,
        // and this write's answer is tagged with the version it leaves.
        version.store(++pending.version, std::memory_order_release);
    }
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
            for (auto& pending : items) {
                pending->remember();
                pending->resume();
            }
        });
    }
}

}  // namespace skill::stub
