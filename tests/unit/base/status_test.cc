#include <boost/test/unit_test.hpp>

#include <cerrno>

#include "base/status_macros.h"
#include "tfcompat/base/status.h"

namespace tfcompat {
namespace {

BOOST_AUTO_TEST_SUITE(StatusTest)

BOOST_AUTO_TEST_CASE(OkStatusHasNoMessage) {
  const Status s;
  BOOST_TEST(s.ok());
  BOOST_TEST(s.message().empty());
  BOOST_TEST(s.ToString() == "OK");
}

BOOST_AUTO_TEST_CASE(ErrorPrintsLikeTensorFlow) {
  const Status s = DataLossError("f: corrupt record at offset 12");
  BOOST_TEST(!s.ok());
  BOOST_TEST(static_cast<int>(s.code()) == 15);
  BOOST_TEST(s.ToString() == "DATA_LOSS: f: corrupt record at offset 12");
}

BOOST_AUTO_TEST_CASE(WithContextPrefixesErrorsOnly) {
  BOOST_TEST(Status().WithContext("file").ok());
  BOOST_TEST(NotFoundError("x").WithContext("file").message() == "file: x");
}

BOOST_AUTO_TEST_CASE(ErrnoMapsToTensorFlowCodes) {
  BOOST_TEST(static_cast<int>(ErrnoToStatus(ENOENT, "p").code()) == static_cast<int>(StatusCode::kNotFound));
  BOOST_TEST(static_cast<int>(ErrnoToStatus(ENOSPC, "p").code()) ==
             static_cast<int>(StatusCode::kResourceExhausted));
  BOOST_TEST(ErrnoToStatus(ENOENT, "p").message().rfind("p: ", 0) == 0);
}

StatusOr<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgumentError("odd");
  return x / 2;
}

Status Quarter(int x, int* out) {
  TFCOMPAT_ASSIGN_OR_RETURN(const int half, Half(x));
  TFCOMPAT_ASSIGN_OR_RETURN(*out, Half(half));
  return Status::Ok();
}

BOOST_AUTO_TEST_CASE(StatusOrCarriesValueOrError) {
  int out = 0;
  BOOST_TEST(Quarter(8, &out).ok());
  BOOST_TEST(out == 2);
  const Status s = Quarter(6, &out);
  BOOST_TEST(static_cast<int>(s.code()) == static_cast<int>(StatusCode::kInvalidArgument));
  BOOST_TEST(s.message() == "odd");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
