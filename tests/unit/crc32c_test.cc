#include <boost/test/unit_test.hpp>

#include <string>

#include "tfcompat/io/crc32c.h"

namespace tfcompat::crc32c {
namespace {

BOOST_AUTO_TEST_SUITE(Crc32c)

// RFC 3720, appendix B.4.
BOOST_AUTO_TEST_CASE(Rfc3720Vectors) {
  std::string buf(32, '\0');
  BOOST_TEST(Value(buf.data(), buf.size()) == 0x8a9136aau);
  buf.assign(32, '\xff');
  BOOST_TEST(Value(buf.data(), buf.size()) == 0x62a8ab43u);
  for (int i = 0; i < 32; ++i) buf[i] = static_cast<char>(i);
  BOOST_TEST(Value(buf.data(), buf.size()) == 0x46dd794eu);
  for (int i = 0; i < 32; ++i) buf[i] = static_cast<char>(31 - i);
  BOOST_TEST(Value(buf.data(), buf.size()) == 0x113fdb5cu);
  const unsigned char iscsi_read[48] = {
      0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
      0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  BOOST_TEST(Value(iscsi_read, sizeof(iscsi_read)) == 0xd9963a56u);
}

BOOST_AUTO_TEST_CASE(CheckValue) { BOOST_TEST(Value("123456789", 9) == 0xe3069283u); }

BOOST_AUTO_TEST_CASE(MaskKnownAnswers) {
  BOOST_TEST(Mask(Value("", 0)) == 0xa282ead8u);
  const std::string zeros(8, '\0');
  BOOST_TEST(Mask(Value(zeros.data(), 8)) == 0x07980329u);
  const std::string crc_test = std::string("\x1a\x11", 2) + "CRC test, one two";
  BOOST_TEST(Mask(Value(crc_test.data(), crc_test.size())) == 0x5794d08au);
  for (uint32_t crc : {0u, 1u, 0xe3069283u, 0xffffffffu}) BOOST_TEST(Unmask(Mask(crc)) == crc);
}

BOOST_AUTO_TEST_CASE(ExtendAtEverySplitPoint) {
  std::string data(1000, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7 + 3);
  const uint32_t whole = Value(data.data(), data.size());
  for (size_t split = 0; split <= data.size(); ++split) {
    const uint32_t first = Value(data.data(), split);
    BOOST_TEST(Extend(first, data.data() + split, data.size() - split) == whole);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::crc32c
