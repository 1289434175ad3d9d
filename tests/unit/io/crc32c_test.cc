// SPDX-License-Identifier: Apache-2.0
// One suite, run against every CRC-32C implementation this CPU can execute
// (internal::AvailableImplementations(): portable, ISA-L, SSE4.2, SSE4.2 with
// ISA-L, and the dispatching crc32c::Extend), checked against known answers
// and a bit-at-a-time reference that shares no code or tables with them.
#include "tfcompat/io/crc32c.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <random>
#include <string>
#include <vector>

#include "io/crc32c_internal.h"

namespace tfcompat::crc32c {
namespace {

using internal::AvailableImplementations;
using internal::Implementation;

// The definition, one bit at a time: reflected polynomial 0x82f63b78,
// register preset to ~0, result inverted.
uint32_t BitwiseCrc32c(uint32_t crc, const unsigned char* p, size_t n) {
  uint32_t state = ~crc;
  for (size_t i = 0; i < n; ++i) {
    state ^= p[i];
    for (int bit = 0; bit < 8; ++bit) state = (state >> 1) ^ (0x82f63b78u & (0u - (state & 1u)));
  }
  return ~state;
}

uint32_t ValueOf(const Implementation& impl, const std::string& s) { return impl.extend(0, s.data(), s.size()); }

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

// Computed by a static initializer, before main(): Extend() must already
// choose and run its implementation then.
const uint32_t kCheckValueBeforeMain = Value("123456789", 9);

BOOST_AUTO_TEST_SUITE(Crc32cTest)

BOOST_AUTO_TEST_CASE(PortableIsAlwaysAvailableAndTheChoiceIsNamed) {
  std::vector<std::string> names;
  for (const Implementation& impl : AvailableImplementations()) names.push_back(impl.name);
  BOOST_TEST(names.front() == "portable");
  BOOST_TEST(names.back() == "dispatch");
  const bool has_sse42 = std::find(names.begin(), names.end(), "sse4.2") != names.end();
  BOOST_TEST(names.size() == (has_sse42 ? 5u : 3u));
  BOOST_TEST(ImplementationName() == std::string(has_sse42 ? "isa-l+sse4.2" : "portable"));
}

// RFC 3720, appendix B.4.
BOOST_AUTO_TEST_CASE(MatchesRfc3720Vectors) {
  std::string ascending(32, '\0'), descending(32, '\0');
  for (int i = 0; i < 32; ++i) {
    ascending[i] = static_cast<char>(i);
    descending[i] = static_cast<char>(31 - i);
  }
  const unsigned char iscsi_read[48] = {0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                        0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
                                        0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18, 0x28, 0x00, 0x00, 0x00,
                                        0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  for (const Implementation& impl : AvailableImplementations()) {
    BOOST_TEST_CONTEXT("implementation " << impl.name) {
      BOOST_TEST(ValueOf(impl, std::string(32, '\0')) == 0x8a9136aau);
      BOOST_TEST(ValueOf(impl, std::string(32, '\xff')) == 0x62a8ab43u);
      BOOST_TEST(ValueOf(impl, ascending) == 0x46dd794eu);
      BOOST_TEST(ValueOf(impl, descending) == 0x113fdb5cu);
      BOOST_TEST(impl.extend(0, iscsi_read, sizeof(iscsi_read)) == 0xd9963a56u);
    }
  }
}

BOOST_AUTO_TEST_CASE(CheckValueIsRightEvenBeforeMain) {
  for (const Implementation& impl : AvailableImplementations()) {
    BOOST_TEST(ValueOf(impl, "123456789") == 0xe3069283u, "implementation " << impl.name);
  }
  BOOST_TEST(Value("123456789", 9) == 0xe3069283u);
  BOOST_TEST(kCheckValueBeforeMain == 0xe3069283u);
}

BOOST_AUTO_TEST_CASE(MaskedKnownAnswers) {
  // The first record of a TensorBoard event file (docs/formats/event.md): its
  // 8-byte length header and its 24-byte Event payload, as TF framed them.
  const std::string length_header("\x18\0\0\0\0\0\0\0", 8);
  const std::string first_event = std::string("\x09\x00\x00\x80\x38\x99\xd6\xd7\x41\x1a\x0d", 11) + "brain.Event:2";
  const std::string crc_test = std::string("\x1a\x11", 2) + "CRC test, one two";
  for (const Implementation& impl : AvailableImplementations()) {
    BOOST_TEST_CONTEXT("implementation " << impl.name) {
      BOOST_TEST(Mask(ValueOf(impl, "")) == 0xa282ead8u);
      BOOST_TEST(Mask(ValueOf(impl, std::string(8, '\0'))) == 0x07980329u);
      BOOST_TEST(Mask(ValueOf(impl, crc_test)) == 0x5794d08au);
      BOOST_TEST(Mask(ValueOf(impl, length_header)) == 0x224b7fa3u);
      BOOST_TEST(Mask(ValueOf(impl, first_event)) == 0xab364b12u);
    }
  }
  for (uint32_t crc : {0u, 1u, 0xe3069283u, 0xffffffffu}) BOOST_TEST(Unmask(Mask(crc)) == crc);
  BOOST_TEST(Mask(0xe3069283u) != 0xe3069283u);
}

BOOST_AUTO_TEST_CASE(ExtendAtEverySplitPoint) {
  const std::string data = RandomBytes(1000, 1);
  for (const Implementation& impl : AvailableImplementations()) {
    BOOST_TEST_CONTEXT("implementation " << impl.name) {
      const uint32_t whole = ValueOf(impl, data);
      for (size_t split = 0; split <= data.size(); ++split) {
        const uint32_t first = impl.extend(0, data.data(), split);
        BOOST_TEST(impl.extend(first, data.data() + split, data.size() - split) == whole, "split " << split);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(CombineOfTheTwoPartsIsTheValueOfTheWhole) {
  BOOST_TEST(Combine(Value("1234", 4), Value("56789", 5), 5) == 0xe3069283u);
  const std::string data = RandomBytes(size_t{1} << 20, 3);
  const uint32_t whole = Value(data.data(), data.size());
  for (const size_t split :
       {size_t{0}, size_t{1}, size_t{7}, size_t{8}, size_t{4096}, size_t{65536}, data.size() - 1, data.size()}) {
    const uint32_t a = Value(data.data(), split);
    const uint32_t b = Value(data.data() + split, data.size() - split);
    BOOST_TEST(Combine(a, b, data.size() - split) == whole, "split " << split);
  }
  // Three pieces folded in order, as ReadInto checks a tensor cut by two
  // window boundaries.
  const auto piece = [&](size_t from, size_t to) { return Value(data.data() + from, to - from); };
  BOOST_TEST(Combine(Combine(piece(0, 100), piece(100, 30100), 30000), piece(30100, data.size()),
                     data.size() - 30100) == whole);
  // Lengths beyond any buffer (the table's high powers): appending n bytes
  // twice is appending 2n.
  for (const int bits : {32, 40, 62}) {
    const uint64_t n = uint64_t{1} << bits;
    BOOST_TEST(Combine(Combine(whole, 0, n), 0, n) == Combine(whole, 0, 2 * n), "2^" << bits);
  }
}

// Every length 0..300 from every start offset 0..15 (aligned and not),
// against the bit-at-a-time definition; checks no byte before or after the
// range is read into the result.
BOOST_AUTO_TEST_CASE(EveryLengthAndAlignmentMatchesTheDefinition) {
  const std::string buffer = RandomBytes(16 + 300 + 16, 2);
  const auto* bytes = reinterpret_cast<const unsigned char*>(buffer.data());
  for (const Implementation& impl : AvailableImplementations()) {
    BOOST_TEST_CONTEXT("implementation " << impl.name) {
      for (size_t start = 0; start < 16; ++start) {
        for (size_t n = 0; n <= 300; ++n) {
          const uint32_t expected = BitwiseCrc32c(0x12345678u, bytes + start, n);
          BOOST_TEST(impl.extend(0x12345678u, bytes + start, n) == expected, "start " << start << " length " << n);
        }
      }
    }
  }
}

// Sizes on both sides of the dispatch threshold and ones that take ISA-L's
// folding loops and their tails, against the portable implementation.
BOOST_AUTO_TEST_CASE(LargeBuffersMatchPortable) {
  const std::string data = RandomBytes((size_t{1} << 20) + 64, 3);
  for (size_t n : {internal::kIsalMinBytes - 1, internal::kIsalMinBytes, internal::kIsalMinBytes + 1, size_t{1023},
                   size_t{4096}, size_t{65537}, (size_t{1} << 20) + 3}) {
    const uint32_t expected = internal::ExtendPortable(7, data.data() + 1, n);
    for (const Implementation& impl : AvailableImplementations()) {
      BOOST_TEST(impl.extend(7, data.data() + 1, n) == expected, "implementation " << impl.name << " length " << n);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::crc32c
