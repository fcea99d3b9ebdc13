#include "entry_table.hpp"

#include <sqlite3.h>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>

#include "stored_json.hpp"

namespace skill::stub {
namespace {

Database& configured(Database& db) {
    // The file is this process's alone, for as long as it runs: the Store serves reads
    // from a cache that another writer would make stale, so a second stub on the same
    // file must not start. Holding the lock for good also spares each transaction the
    // six fcntl() calls of taking and dropping it. In WAL mode this must come first
    // (then SQLite keeps the WAL index in memory, with no -shm file).
    db.exec("PRAGMA locking_mode=EXCLUSIVE");
    try {
        db.exec("PRAGMA journal_mode=WAL");  // the first access: takes the lock
    } catch (const SqliteError& e) {
        throw SqliteError(std::string(e.what()) +
                          " (another process has the file open: a SQLite file serves one "
                          "persistence-stub; replicas share a database with --db postgresql://…)");
    }
    db.exec("PRAGMA synchronous=FULL");
    db.exec(
        "CREATE TABLE IF NOT EXISTS entries ("
        "id INTEGER PRIMARY KEY, "
        "user TEXT NOT NULL, "
        "skill TEXT NOT NULL, "
        "data TEXT NOT NULL, "
        "version INTEGER NOT NULL DEFAULT 1, "
        "UNIQUE(user, skill))");
    // A file written before versions existed: every entry starts at version 1.
    bool versioned = false;
    {
        Statement columns(db, "SELECT 1 FROM pragma_table_info('entries') WHERE name = 'version'");
        Query q(columns);
        versioned = q->step();
    }
    if (!versioned) db.exec("ALTER TABLE entries ADD COLUMN version INTEGER NOT NULL DEFAULT 1");
    db.exec("CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
    return db;
}

/// The highest version the file has seen: its counter, or a row's if higher (rows
/// edited by hand, or a counter lost).
std::int64_t highest_version(Database& db) {
    Statement highest(
        db,
        "SELECT max(coalesce((SELECT value FROM counters WHERE name = 'version'), 0), "
        "coalesce((SELECT max(version) FROM entries), 0))");
    Query q(highest);
    return q->step() ? q->integer(0) : 0;
}

}  // namespace

EntryTable::EntryTable(const std::string& path)
    : db_(path),
      select_(configured(db_),
              "SELECT id, data, version FROM entries WHERE user = ?1 AND skill = ?2"),
      select_id_(db_, "SELECT id, version FROM entries WHERE user = ?1 AND skill = ?2"),
      select_all_(db_, "SELECT skill, data FROM entries WHERE user = ?1 ORDER BY skill"),
      // Not one upsert with RETURNING id: SQLite runs RETURNING through an
      // ephemeral table, which cost more than the whole rest of a set.
      update_(db_, "UPDATE entries SET data = ?2, version = ?3 WHERE id = ?1"),
      update_known_(db_,
                    "UPDATE entries SET data = ?2, version = ?5 "
                    "WHERE id = ?1 AND user = ?3 AND skill = ?4"),
      insert_(db_, "INSERT INTO entries(user, skill, data, version) VALUES(?1, ?2, ?3, ?4)"),
      delete_(db_, "DELETE FROM entries WHERE user = ?1 AND skill = ?2"),
      delete_id_(db_, "DELETE FROM entries WHERE id = ?1"),
      save_version_(db_,
                    "INSERT INTO counters(name, value) VALUES('version', ?1) "
                    "ON CONFLICT(name) DO UPDATE SET value = excluded.value"),
      // IMMEDIATE: take the write lock up front, so a concurrent process
      // cannot make the commit fail half-way with SQLITE_BUSY.
      begin_(db_, "BEGIN IMMEDIATE"),
      begin_read_(db_, "BEGIN"),
      commit_(db_, "COMMIT"),
      rollback_(db_, "ROLLBACK"),
      last_version_(highest_version(db_)),
      saved_version_(last_version_) {}

void EntryTable::begin(bool writes) {
    (writes ? begin_ : begin_read_).run();
}

void EntryTable::commit() {
    if (last_version_ > saved_version_) {
        Query q(save_version_);
        q->bind(1, last_version_);
        q->step();
    }
    commit_.run();
    saved_version_ = last_version_;
}

void EntryTable::rollback() noexcept {
    try {
        if (db_.in_transaction()) rollback_.run();
    } catch (const std::exception&) {
        // SQLite rolled back on its own already.
    }
}

std::int64_t EntryTable::next_version() noexcept {
    return ++last_version_;
}

namespace {

/// The answer to a write whose precondition `current` did not satisfy.
StoreResult precondition_failed(std::optional<std::int64_t> id,
                                std::optional<std::int64_t> version) {
    StoreResult r;
    r.precondition_failed = true;
    r.found = version.has_value();
    r.id = id.value_or(0);
    r.version = version.value_or(0);
    return r;
}

}  // namespace

StoreResult EntryTable::get(const Operation& op) {
    Query q(select_);
    q->bind(1, op.user);
    q->bind(2, op.skill);
    StoreResult r;
    if (q->step()) {
        r.found = true;
        r.id = q->integer(0);
        r.version = q->integer(2);
        r.data = canonical(q->text(1));
    }
    return r;
}

StoreResult EntryTable::get_all(const Operation& op) {
    boost::json::monotonic_resource resource;
    boost::json::object all(&resource);
    {
        Query q(select_all_);
        q->bind(1, op.user);
        while (q->step()) all[q->text(0)] = parse_stored(q->text(1), &resource);
    }
    StoreResult r;
    r.found = !all.empty();
    r.data = boost::json::serialize(all);
    return r;
}

StoreResult EntryTable::set(Operation& op) {
    // A set from the API arrives serialised from checked JSON; one built in code does not.
    if (op.json.empty()) op.json = serialised(op.data);
    StoreResult r;
    r.found = true;
    r.version = next_version();
    // The id a read cache knew saves the lookup (not for a conditional write: that
    // needs the stored version). A guarded update that matched no row changed
    // nothing, so the one write below is still the only one that did.
    if (op.condition.kind == Precondition::Kind::none && op.known_id != 0 &&
        update_known(op, r.version)) {
        r.id = op.known_id;
    } else {
        const auto row = find(op);
        if (!op.condition.satisfied_by(row ? std::optional(row->version) : std::nullopt))
            return precondition_failed(row ? std::optional(row->id) : std::nullopt,
                                       row ? std::optional(row->version) : std::nullopt);
        r.id = store(op, row, op.json, r.version);
    }
    r.data = std::move(op.json);
    return r;
}

bool EntryTable::update_known(const Operation& op, std::int64_t version) {
    Query q(update_known_);
    q->bind(1, op.known_id);
    q->bind(2, op.json);
    q->bind(3, op.user);
    q->bind(4, op.skill);
    q->bind(5, version);
    q->step();
    return sqlite3_changes(db_.handle()) == 1;
}

StoreResult EntryTable::merge(Operation& op) {
    // Read-modify-write is atomic: the caller runs it inside its transaction
    // on the only connection that writes.
    require_finite(op.data);
    boost::json::monotonic_resource resource;
    boost::json::object merged(&resource);
    std::optional<Row> row;
    {
        Query q(select_);
        q->bind(1, op.user);
        q->bind(2, op.skill);
        if (q->step()) {
            row = Row{q->integer(0), q->integer(2)};
            if (!op.condition.satisfied_by(row->version))
                return precondition_failed(row->id, row->version);
            merged = parse_stored(q->text(1), &resource);
        }
    }
    if (!row && !op.condition.satisfied_by(std::nullopt))
        return precondition_failed(std::nullopt, std::nullopt);
    for (const auto& [key, value] : op.data) merged.emplace(key, value);  // keeps stored keys
    op.json = boost::json::serialize(merged);
    StoreResult r;
    r.found = true;
    r.version = next_version();
    r.id = store(op, row, op.json, r.version);
    r.data = std::move(op.json);
    return r;
}

std::optional<EntryTable::Row> EntryTable::find(const Operation& op) {
    Query q(select_id_);
    q->bind(1, op.user);
    q->bind(2, op.skill);
    if (!q->step()) return std::nullopt;
    return Row{q->integer(0), q->integer(1)};
}

/// Writes `json` as the data of (user, skill) at `version`: into `row`, or a new
/// entry. Within the caller's write transaction nothing can come between the
/// lookup of `row` and this write. Returns the entry's id.
std::int64_t EntryTable::store(const Operation& op, std::optional<Row> row, std::string_view json,
                               std::int64_t version) {
    if (row) {
        Query q(update_);
        q->bind(1, row->id);
        q->bind(2, json);
        q->bind(3, version);
        q->step();
        return row->id;
    }
    Query q(insert_);
    q->bind(1, op.user);
    q->bind(2, op.skill);
    q->bind(3, json);
    q->bind(4, version);
    q->step();
    return db_.last_insert_rowid();
}

StoreResult EntryTable::remove(const Operation& op) {
    if (op.condition.kind != Precondition::Kind::none) {
        const auto row = find(op);
        if (!op.condition.satisfied_by(row ? std::optional(row->version) : std::nullopt))
            return precondition_failed(row ? std::optional(row->id) : std::nullopt,
                                       row ? std::optional(row->version) : std::nullopt);
        StoreResult r;
        if (row) {
            Query q(delete_id_);
            q->bind(1, row->id);
            q->step();
            r.found = true;
        }
        return r;
    }
    Query q(delete_);
    q->bind(1, op.user);
    q->bind(2, op.skill);
    q->step();
    StoreResult r;
    r.found = sqlite3_changes(db_.handle()) > 0;
    return r;
}

}  // namespace skill::stub
