// SPDX-License-Identifier: Apache-2.0
#include "io/wire_reader.h"

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "io/coding.h"

namespace tfcompat {
namespace {

BOOST_AUTO_TEST_SUITE(WireReaderTest)

BOOST_AUTO_TEST_CASE(ReadsEveryWireTypeInOrder) {
  std::string message;
  PutVarint32(&message, WireKey(1, kWireFixed64));
  PutFixed64(&message, 0x0102030405060708ull);
  PutVarint32(&message, WireKey(2, kWireVarint));
  PutVarint64(&message, 1000000);
  PutVarint32(&message, WireKey(5, kWireLengthDelimited));
  PutLengthPrefixed(&message, "loss");
  PutVarint32(&message, WireKey(20, kWireFixed32));
  PutFixed32(&message, 7);
  WireReader in(message);
  uint64_t fixed64 = 0, varint = 0;
  uint32_t fixed32 = 0;
  std::string_view bytes;
  BOOST_TEST(in.Key() == WireKey(1, kWireFixed64));
  BOOST_TEST((in.Fixed64(&fixed64) && fixed64 == 0x0102030405060708ull));
  BOOST_TEST(in.Key() == WireKey(2, kWireVarint));
  BOOST_TEST((in.Varint(&varint) && varint == 1000000u));
  BOOST_TEST(in.Key() == WireKey(5, kWireLengthDelimited));
  BOOST_TEST((in.Bytes(&bytes) && bytes == "loss"));
  BOOST_TEST(in.Key() == WireKey(20, kWireFixed32));
  BOOST_TEST(in.Skip(kWireFixed32));
  BOOST_TEST(in.AtEnd());
  BOOST_TEST(in.Key() == 0u);  // Nothing left.
  BOOST_TEST(!in.Fixed32(&fixed32));
}

BOOST_AUTO_TEST_CASE(RejectsMalformedAndTruncatedFields) {
  uint64_t v;
  std::string_view bytes;
  // A varint of 11 bytes, one whose 10th byte carries bits past 64, and one
  // cut short.
  BOOST_TEST(!WireReader(std::string(10, '\x80') + '\x01').Varint(&v));
  BOOST_TEST(!WireReader(std::string(9, '\xff') + '\x02').Varint(&v));
  BOOST_TEST((WireReader(std::string(9, '\xff') + '\x01').Varint(&v) && v == UINT64_MAX));
  BOOST_TEST(!WireReader("\x80\x80").Varint(&v));
  // A key longer than 5 bytes or above 32 bits is no key.
  BOOST_TEST(WireReader(std::string("\x88\x80\x80\x80\x80\x00", 6)).Key() == 0u);
  BOOST_TEST(WireReader("\x88\x80\x80\x80\x20").Key() == 0u);
  BOOST_TEST(WireReader(std::string("\x88\x80\x00", 3)).Key() == 8u);  // Overlong but short enough.
  // A length past the message's end; a fixed field cut short; a group.
  BOOST_TEST(!WireReader("\x05"
                         "abcd")
                  .Bytes(&bytes));
  BOOST_TEST(!WireReader("abc").Skip(kWireFixed32));
  BOOST_TEST(!WireReader("abcdefg").Skip(kWireFixed64));
  BOOST_TEST(!WireReader("x").Skip(3));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
