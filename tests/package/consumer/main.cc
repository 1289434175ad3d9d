// SPDX-License-Identifier: Apache-2.0
// Writes and reads back one TFRecord through the installed headers only.
#include <cstdio>
#include <string>

#include "tfcompat/io/crc32c.h"
#include "tfcompat/io/record_reader.h"
#include "tfcompat/io/record_writer.h"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const std::string path = argv[1];
  if (tfcompat::crc32c::Value("123456789", 9) != 0xe3069283u) return 1;
  {
    auto writer = tfcompat::RecordWriter::Create(path);
    if (!writer.ok() || !(*writer)->WriteRecord("consumer").ok() || !(*writer)->Close().ok()) return 1;
  }
  auto reader = tfcompat::RecordReader::Open(path);
  std::string record;
  if (!reader.ok() || !(*reader)->ReadRecord(&record).ok() || record != "consumer") return 1;
  std::puts("consumer: find_package(tfcompat) works");
  return 0;
}
