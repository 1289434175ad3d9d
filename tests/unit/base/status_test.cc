// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/base/status.h"

#include <boost/test/unit_test.hpp>
#include <cerrno>
#include <exception>
#include <string>
#include <utility>

#include "tfcompat/base/status_macros.h"

namespace tfcompat {
namespace {

BOOST_AUTO_TEST_SUITE(StatusTest)

BOOST_AUTO_TEST_CASE(OkStatusHasNoMessage) {
  const Status s = OkStatus();
  BOOST_TEST(s.ok());
  BOOST_TEST(static_cast<int>(s.code()) == 0);
  BOOST_TEST(s.message().empty());
  BOOST_TEST(s.ToString() == "OK");
}

BOOST_AUTO_TEST_CASE(DefaultConstructedStatusEqualsOkStatus) {
  const Status declared;
  BOOST_TEST(declared.ok());
  BOOST_TEST((declared == OkStatus()));
  BOOST_TEST(!(OkStatus() == CancelledError("")));
}

BOOST_AUTO_TEST_CASE(ErrorPrintsLikeTensorFlow) {
  const Status s = DataLossError("f: corrupt record at offset 12");
  BOOST_TEST(!s.ok());
  BOOST_TEST(static_cast<int>(s.code()) == 15);
  BOOST_TEST(s.ToString() == "DATA_LOSS: f: corrupt record at offset 12");
}

BOOST_AUTO_TEST_CASE(WithContextPrefixesErrorsOnly) {
  BOOST_TEST(OkStatus().WithContext("file").ok());
  BOOST_TEST(NotFoundError("x").WithContext("file").message() == "file: x");
}

BOOST_AUTO_TEST_CASE(ErrnoMapsToTensorFlowCodes) {
  BOOST_TEST(static_cast<int>(ErrnoToStatus(ENOENT, "p").code()) == static_cast<int>(StatusCode::kNotFound));
  BOOST_TEST(static_cast<int>(ErrnoToStatus(ENOSPC, "p").code()) == static_cast<int>(StatusCode::kResourceExhausted));
  BOOST_TEST(ErrnoToStatus(ENOENT, "p").message().rfind("p: ", 0) == 0);
}

StatusOr<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgumentError("odd");
  return x / 2;
}

Status Quarter(int x, int* out) {
  TFCOMPAT_ASSIGN_OR_RETURN(const int half, Half(x));
  TFCOMPAT_ASSIGN_OR_RETURN(*out, Half(half));
  return OkStatus();
}

BOOST_AUTO_TEST_CASE(StatusOrCarriesValueOrError) {
  int out = 0;
  BOOST_TEST(Quarter(8, &out).ok());
  BOOST_TEST(out == 2);
  const Status s = Quarter(6, &out);
  BOOST_TEST(static_cast<int>(s.code()) == static_cast<int>(StatusCode::kInvalidArgument));
  BOOST_TEST(s.message() == "odd");
}

StatusOr<std::string> Name(bool found) {
  if (!found) return NotFoundError("no name");
  return std::string("ada");
}

// Whether `e` carries NOT_FOUND "no name" in both of its forms.
bool CarriesNoName(const BadStatusOrAccess& e) {
  return e.status() == NotFoundError("no name") && std::string(e.what()) == "NOT_FOUND: no name";
}

BOOST_AUTO_TEST_CASE(ValueOfAnErrorThrowsBadStatusOrAccessWithTheStatus) {
  StatusOr<std::string> name = Name(false);
  const StatusOr<std::string>& const_name = name;
  BOOST_CHECK_EXCEPTION(name.value(), BadStatusOrAccess, CarriesNoName);
  BOOST_CHECK_EXCEPTION(const_name.value(), BadStatusOrAccess, CarriesNoName);
  BOOST_CHECK_EXCEPTION(*name, BadStatusOrAccess, CarriesNoName);
  BOOST_CHECK_EXCEPTION(name->size(), BadStatusOrAccess, CarriesNoName);
  BOOST_CHECK_EXCEPTION(const_name->size(), BadStatusOrAccess, CarriesNoName);
  BOOST_CHECK_EXCEPTION(std::move(name).value(), BadStatusOrAccess, CarriesNoName);
}

BOOST_AUTO_TEST_CASE(BadStatusOrAccessIsAStdExceptionNamingTheError) {
  try {
    const std::string name = Name(false).value();
    BOOST_ERROR("value() of an error returned " << name);
  } catch (const std::exception& e) {
    BOOST_TEST(std::string(e.what()) == "NOT_FOUND: no name");
  }
}

BOOST_AUTO_TEST_CASE(ValueOfAValueDoesNotThrow) {
  StatusOr<std::string> name = Name(true);
  BOOST_TEST(name.value() == "ada");
  BOOST_TEST(name->size() == 3u);
  BOOST_TEST(std::move(name).value() == "ada");
}
BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
