// SPDX-License-Identifier: Apache-2.0
#include "io/coding.h"

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace tfcompat {
namespace {

BOOST_AUTO_TEST_SUITE(CodingTest)

BOOST_AUTO_TEST_CASE(FixedIsLittleEndian) {
  std::string s;
  PutFixed32(&s, 0x04030201u);
  PutFixed64(&s, 0x0c0b0a0908070605ull);
  BOOST_TEST(s == std::string("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c", 12));
  std::string_view in(s);
  uint32_t a;
  uint64_t b;
  BOOST_TEST(GetFixed32(&in, &a));
  BOOST_TEST(GetFixed64(&in, &b));
  BOOST_TEST(a == 0x04030201u);
  BOOST_TEST(b == 0x0c0b0a0908070605ull);
  BOOST_TEST(!GetFixed32(&in, &a));
}

BOOST_AUTO_TEST_CASE(VarintKnownAnswers) {
  std::string s;
  PutVarint64(&s, 300);
  BOOST_TEST(s == std::string("\xac\x02", 2));
  s.clear();
  PutVarint64(&s, UINT64_MAX);
  BOOST_TEST(s.size() == 10u);
  std::string_view in(s);
  uint64_t v;
  BOOST_TEST(GetVarint64(&in, &v));
  BOOST_TEST(v == UINT64_MAX);
}

BOOST_AUTO_TEST_CASE(VarintRoundTripsEveryLength) {
  std::vector<uint64_t> values = {UINT64_MAX};
  for (int shift = 0; shift < 64; ++shift) {
    values.push_back((uint64_t{1} << shift) - 1);  // the longest of each length
    values.push_back(uint64_t{1} << shift);        // the shortest of each length
  }
  for (const uint64_t value : values) {
    std::string s;
    PutVarint64(&s, value);
    BOOST_TEST(static_cast<int>(s.size()) == VarintLength(value));
    std::string_view in(s);
    uint64_t got;
    BOOST_TEST(GetVarint64(&in, &got));
    BOOST_TEST(got == value);
    BOOST_TEST(in.empty());
  }
}

BOOST_AUTO_TEST_CASE(MalformedVarintsAreRejected) {
  uint64_t v;
  std::string_view truncated("\x80\x80", 2);
  BOOST_TEST(!GetVarint64(&truncated, &v));
  BOOST_TEST(truncated.size() == 2u);  // Input untouched on failure.
  std::string_view too_long("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 10);
  BOOST_TEST(!GetVarint64(&too_long, &v));
  uint32_t v32;
  std::string_view over32("\xff\xff\xff\xff\x1f", 5);
  BOOST_TEST(!GetVarint32(&over32, &v32));
}

BOOST_AUTO_TEST_CASE(LengthPrefixedRejectsShortInput) {
  std::string s;
  PutLengthPrefixed(&s, "hello");
  std::string_view in(s);
  std::string_view value;
  BOOST_TEST(GetLengthPrefixed(&in, &value));
  BOOST_TEST(value == "hello");
  std::string_view cut(s.data(), s.size() - 1);
  BOOST_TEST(!GetLengthPrefixed(&cut, &value));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
