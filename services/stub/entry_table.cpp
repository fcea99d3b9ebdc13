#include "entry_table.hpp"

#include <sqlite3.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace skill::stub {
namespace {

Database& configured(Database& db) {
    db.exec("PRAGMA journal_mode=WAL");
    db.exec("PRAGMA synchronous=FULL");
    db.exec(
        "CREATE TABLE IF NOT EXISTS entries ("
        "id INTEGER PRIMARY KEY, "
        "user TEXT NOT NULL, "
        "skill TEXT NOT NULL, "
        "data TEXT NOT NULL, "
        "UNIQUE(user, skill))");
    return db;
}

boost::json::object parse_stored(std::string_view text) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(text, ec);
    if (ec || !v.is_object()) throw StoreError("stored data is not a JSON object");
    return std::move(v.as_object());
}

}  // namespace

EntryTable::EntryTable(const std::string& path)
    : db_(path),
      select_(configured(db_), "SELECT id, data FROM entries WHERE user = ?1 AND skill = ?2"),
      select_all_(db_, "SELECT skill, data FROM entries WHERE user = ?1 ORDER BY skill"),
      upsert_(db_,
              "INSERT INTO entries(user, skill, data) VALUES(?1, ?2, ?3) "
              "ON CONFLICT(user, skill) DO UPDATE SET data = excluded.data RETURNING id"),
      delete_(db_, "DELETE FROM entries WHERE user = ?1 AND skill = ?2") {}

StoreResult EntryTable::apply(const Operation& op) {
    switch (op.kind) {
        case Operation::Kind::get:
            return get(op);
        case Operation::Kind::get_all:
            return get_all(op);
        case Operation::Kind::set:
            return set(op, op.data);
        case Operation::Kind::merge:
            return merge(op);
        case Operation::Kind::remove:
            return remove(op);
    }
    throw StoreError("unknown operation");
}

StoreResult EntryTable::get(const Operation& op) {
    Query q(select_);
    q->bind(1, op.user);
    q->bind(2, op.skill);
    StoreResult r;
    if (q->step()) {
        r.found = true;
        r.id = q->integer(0);
        r.data = parse_stored(q->text(1));
    }
    return r;
}

StoreResult EntryTable::get_all(const Operation& op) {
    Query q(select_all_);
    q->bind(1, op.user);
    StoreResult r;
    while (q->step()) {
        r.data[q->text(0)] = parse_stored(q->text(1));
    }
    r.found = !r.data.empty();
    return r;
}

StoreResult EntryTable::set(const Operation& op, boost::json::object data) {
    Query q(upsert_);
    q->bind(1, op.user);
    q->bind(2, op.skill);
    q->bind(3, boost::json::serialize(data));
    if (!q->step()) throw StoreError("upsert returned no id");
    StoreResult r;
    r.found = true;
    r.id = q->integer(0);
    r.data = std::move(data);
    return r;
}

StoreResult EntryTable::merge(const Operation& op) {
    // Read-modify-write is atomic: the caller runs it inside its transaction
    // on the only connection that writes.
    StoreResult current = get(op);
    boost::json::object merged = std::move(current.data);
    for (const auto& [key, value] : op.data) {
        if (!merged.contains(key)) merged[key] = value;
    }
    return set(op, std::move(merged));
}

StoreResult EntryTable::remove(const Operation& op) {
    Query q(delete_);
    q->bind(1, op.user);
    q->bind(2, op.skill);
    q->step();
    StoreResult r;
    r.found = sqlite3_changes(db_.handle()) > 0;
    return r;
}

}  // namespace skill::stub
