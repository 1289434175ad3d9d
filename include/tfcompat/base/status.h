// SPDX-License-Identifier: Apache-2.0
// Status and StatusOr<T>: how every fallible tfcompat call reports failure.
//
// The codes are TensorFlow's (and absl's), so a message such as
//   DATA_LOSS: logs/events.out.tfevents...: corrupt record at offset 4096
// reads the way a TensorFlow user expects. Spell success OkStatus() and
// construct errors with the factories below, as in absl and TensorFlow.
//
// Usage:
//   tfcompat::StatusOr<int> ParseCount(std::string_view s) {
//     if (s.empty() || s.size() > 9) return tfcompat::InvalidArgumentError("a count has 1 to 9 digits");
//     int count = 0;
//     for (char c : s) {
//       if (c < '0' || c > '9') return tfcompat::InvalidArgumentError("a count has only digits");
//       count = 10 * count + (c - '0');
//     }
//     return count;
//   }
//   tfcompat::Status CheckCount(std::string_view s, int limit) {
//     tfcompat::StatusOr<int> count = ParseCount(s);
//     if (!count.ok()) return count.status();
//     if (*count > limit) return tfcompat::InvalidArgumentError("count too large");
//     return tfcompat::OkStatus();
//   }
#ifndef TFCOMPAT_BASE_STATUS_H_
#define TFCOMPAT_BASE_STATUS_H_

#include <cassert>
#include <exception>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace tfcompat {

// Same names and numeric values as tensorflow::error::Code.
enum class StatusCode : int {
  kOk = 0,
  kCancelled = 1,
  kUnknown = 2,
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,
  kResourceExhausted = 8,
  kFailedPrecondition = 9,
  kAborted = 10,
  kOutOfRange = 11,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,
  kDataLoss = 15,
  kUnauthenticated = 16,
};

// "INVALID_ARGUMENT", "DATA_LOSS", ... as TensorFlow prints them.
std::string_view StatusCodeName(StatusCode code);

// The result of an operation: OK, or a code with a message. Cheap to copy
// and move when OK (one null pointer).
class [[nodiscard]] Status {
 public:
  // OK, so that a Status can be a member or be declared before it is
  // assigned; where a value is meant, write OkStatus().
  Status() = default;
  // OK when `code` is kOk (the message is then dropped).
  Status(StatusCode code, std::string_view message);

  bool ok() const { return rep_ == nullptr; }
  StatusCode code() const { return rep_ ? rep_->code : StatusCode::kOk; }
  // Empty when OK.
  const std::string& message() const;

  // "OK" or "<CODE_NAME>: <message>".
  std::string ToString() const;

  // A copy of this error whose message is `prefix + ": " + message()`, for
  // adding context (a file name) on the way up. OK stays OK.
  Status WithContext(std::string_view prefix) const;

  // Marks a status as deliberately dropped.
  void IgnoreError() const {}

  friend bool operator==(const Status& a, const Status& b) {
    return a.code() == b.code() && a.message() == b.message();
  }

 private:
  struct Rep {
    StatusCode code;
    std::string message;
  };
  std::shared_ptr<const Rep> rep_;
};

std::ostream& operator<<(std::ostream& os, const Status& status);

// The OK status (absl::OkStatus(), tensorflow::OkStatus()).
inline Status OkStatus() { return Status(); }

Status CancelledError(std::string_view message);
Status UnknownError(std::string_view message);
Status InvalidArgumentError(std::string_view message);
Status DeadlineExceededError(std::string_view message);
Status NotFoundError(std::string_view message);
Status AlreadyExistsError(std::string_view message);
Status PermissionDeniedError(std::string_view message);
Status ResourceExhaustedError(std::string_view message);
Status FailedPreconditionError(std::string_view message);
Status AbortedError(std::string_view message);
Status OutOfRangeError(std::string_view message);
Status UnimplementedError(std::string_view message);
Status InternalError(std::string_view message);
Status UnavailableError(std::string_view message);
Status DataLossError(std::string_view message);

// A Status from errno after a failed system call: ENOENT is NotFound, ENOSPC
// ResourceExhausted, EACCES PermissionDenied, EEXIST AlreadyExists, others
// Unknown. The message is "<context>: <strerror>".
Status ErrnoToStatus(int errno_value, std::string_view context);

// What StatusOr<T>::value() throws when it holds an error (as
// absl::BadStatusOrAccess): the error travels with the exception, so even an
// uncaught one says what failed.
//
//   try {
//     Use(ParseCount(text).value());
//   } catch (const tfcompat::BadStatusOrAccess& e) {
//     std::cerr << e.what() << "\n";  // "INVALID_ARGUMENT: not a count: x"
//   }
class BadStatusOrAccess : public std::exception {
 public:
  // `status` is the error the StatusOr held.
  explicit BadStatusOrAccess(Status status);

  // status().ToString().
  const char* what() const noexcept override;
  const Status& status() const { return status_; }

 private:
  Status status_;
  std::string what_;
};

namespace internal {
// Out of line, so that every value() does not inline the exception's
// construction.
[[noreturn]] void ThrowBadStatusOrAccess(const Status& status);
}  // namespace internal

// A value of type T, or the error that prevented producing one.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  // An error; `status` must not be OK.
  StatusOr(Status status) : value_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(value_).ok());
  }
  StatusOr(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(value_); }
  Status status() const { return ok() ? OkStatus() : std::get<Status>(value_); }

  // The value. When !ok(), throws BadStatusOrAccess carrying status(); so
  // do * and ->, which call value().
  T& value() & {
    CheckOk();
    return *std::get_if<T>(&value_);
  }
  const T& value() const& {
    CheckOk();
    return *std::get_if<T>(&value_);
  }
  T&& value() && {
    CheckOk();
    return std::move(*std::get_if<T>(&value_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  void CheckOk() const {
    if (!ok()) internal::ThrowBadStatusOrAccess(std::get<Status>(value_));
  }

  std::variant<Status, T> value_;
};

}  // namespace tfcompat

#endif  // TFCOMPAT_BASE_STATUS_H_
