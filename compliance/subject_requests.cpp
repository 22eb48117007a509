#include "compliance/subject_requests.h"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <soci/soci.h>
#include <unistd.h>

#include "core/store/consumer_offset_repo.h"
#include "core/store/database.h"
#include "core/store/detail/errors.h"
#include "core/store/domain_event_repo.h"
#include "core/util/log.h"

namespace cartrelay::compliance {
namespace {

namespace detail = core::store::detail;
using core::Result;
using core::Status;
using core::model::DomainEvent;
using core::model::DomainEventKind;

constexpr const char* kActor = "platform";

// Written owner-only and fsynced: it holds the person's data in clear.
Status writePrivateFile(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::unavailable(path + ": " + std::strerror(errno));
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  if (!ok) return Status::unavailable(path + ": " + std::strerror(saved));
  return Status::ok();
}

Result<std::vector<std::int64_t>> customersOfShop(core::store::Database& db, std::int64_t shop) {
  return db.querySession([&](soci::session& s) {
    return detail::guarded("customers.of_shop", [&]() -> Result<std::vector<std::int64_t>> {
      std::vector<std::int64_t> ids;
      std::int64_t id = 0;
      std::int64_t shop_id = shop;
      soci::statement st = (s.prepare << "SELECT id FROM customers WHERE shop_id = :s AND"
                                         " data_key IS NOT NULL ORDER BY id",
                            soci::into(id), soci::use(shop_id));
      st.execute();
      while (st.fetch()) ids.push_back(id);
      return ids;
    });
  });
}

// Erasure of nobody, or of somebody already erased, is a request done.
Status eraseCustomer(const SubjectRights& rights, std::int64_t customer_id) {
  SubjectQuery q;
  q.customer_id = customer_id;
  auto erased = rights.erase(q, kActor);
  if (erased.isOk() || erased.status().code() == Status::Code::kNotFound) return Status::ok();
  return erased.status();
}

}  // namespace

Result<int> SubjectRequestConsumer::runOnce(int limit) {
  core::store::DomainEventRepo events(clock_);
  core::store::ConsumerOffsetRepo offsets(clock_);
  CARTRELAY_ASSIGN_OR_RETURN(
      std::vector<DomainEvent> batch,
      db_.querySession([&](soci::session& s) -> Result<std::vector<DomainEvent>> {
        CARTRELAY_ASSIGN_OR_RETURN(std::int64_t after, offsets.get(s, kConsumerName));
        core::store::DomainEventRepo::Filter filter;
        filter.after_id = after;
        filter.kinds = std::vector<DomainEventKind>{DomainEventKind::kSubjectDataRequested,
                                                    DomainEventKind::kSubjectRedactionRequested,
                                                    DomainEventKind::kShopRedactionRequested};
        filter.limit = limit;
        return events.list(s, filter);
      }));
  for (const DomainEvent& request : batch) {
    Status done = Status::ok();
    if (request.kind == DomainEventKind::kShopRedactionRequested) {
      CARTRELAY_ASSIGN_OR_RETURN(std::vector<std::int64_t> ids,
                                 customersOfShop(db_, request.shop_id));
      for (std::int64_t id : ids) {
        done = eraseCustomer(rights_, id);
        if (!done.isOk()) break;
      }
    } else if (request.customer_id) {
      if (request.kind == DomainEventKind::kSubjectRedactionRequested) {
        done = eraseCustomer(rights_, *request.customer_id);
      } else {
        SubjectQuery q;
        q.customer_id = *request.customer_id;
        auto exported = rights_.exportData(q, kActor);
        if (exported.isOk()) {
          std::error_code ec;
          std::filesystem::create_directories(export_dir_, ec);
          const std::string path =
              export_dir_ + "/data-request-" + std::to_string(request.id) + ".json";
          done = writePrivateFile(path, exported->dump(2) + "\n");
          if (done.isOk()) core::log::info("subject.export_written").kv("path", path);
        } else if (exported.status().code() != Status::Code::kNotFound) {
          done = exported.status();
        }
      }
    }
    if (!done.isOk()) return done;  // retried from this request next time
    CARTRELAY_RETURN_IF_ERROR(db_.withTransaction(
        [&](soci::session& s) { return offsets.put(s, kConsumerName, request.id); }));
    core::log::info("subject.request_done")
        .kv("domain_event", request.id)
        .kv("kind", core::model::toString(request.kind));
  }
  return static_cast<int>(batch.size());
}

}  // namespace cartrelay::compliance
