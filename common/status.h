// Status and Result<T>: how every module reports failure without exceptions.
//
// A Status is either OK or a code plus a message written for the person who has to act on it
// ("robots.txt of example.com: HTTP 503, retrying in 60 s"), not for the programmer.
// Result<T> holds either a T or a non-OK Status. Both are cheap to move and safe to copy.
// Thread safety: plain values; no shared state.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace newscrawl {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller's input is wrong (bad URL, bad config value, bad flag)
  kNotFound,            // the thing asked for does not exist
  kAlreadyExists,       // a create-only operation found the key taken
  kCorruption,          // stored or received data is damaged or of an unknown format version
  kIoError,             // the operating system refused (disk full, permission, read error)
  kUnavailable,         // a peer or service cannot be reached now; retrying may help
  kTimeout,             // a deadline passed
  kResourceExhausted,   // a size, depth or memory cap was hit
  kFailedPrecondition,  // the system is not in a state that allows the operation
  kCancelled,           // shutdown or the caller gave up
  kUnimplemented,       // the feature is not built in this binary
  kInternal,            // a bug: an invariant did not hold
};

// Stable lower-case name of a code ("invalid_argument"), used in JSON error records.
const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status Timeout(std::string m) { return {StatusCode::kTimeout, std::move(m)}; }
  static Status ResourceExhausted(std::string m) {
    return {StatusCode::kResourceExhausted, std::move(m)};
  }
  static Status FailedPrecondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
  }
  static Status Cancelled(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }
  static Status Unimplemented(std::string m) { return {StatusCode::kUnimplemented, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "ok" or "<code name>: <message>".
  std::string ToString() const;

  // Returns a copy whose message is "<context>: <message>"; OK stays OK.
  Status WithContext(const std::string& context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Either a value or a non-OK Status. Accessing value() of an error is a bug (asserts).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(v_).ok() && "Result built from an OK Status has no value");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T value_or(T fallback) const { return ok() ? std::get<T>(v_) : std::move(fallback); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace newscrawl

// Returns early from the enclosing function when `expr` (a Status) is not OK.
#define NC_RETURN_IF_ERROR(expr)            \
  do {                                      \
    ::newscrawl::Status nc_status_ = (expr); \
    if (!nc_status_.ok()) return nc_status_; \
  } while (0)
