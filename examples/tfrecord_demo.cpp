// SPDX-License-Identifier: Apache-2.0
// tfrecord_demo: writes a small TFRecord file in each of TensorFlow's
// compression types and reads each back, printing what it wrote and read.
//
//   build/bin/tfrecord_demo [DIR]      (default DIR: tfrecord_demo_out)
//
// Writes DIR/demo.tfrecord, DIR/demo.tfrecord.zlib and DIR/demo.tfrecord.gz,
// each holding the same three records; TensorFlow reads them with
//   tf.data.TFRecordDataset(path, compression_type="" | "ZLIB" | "GZIP").
#include <sys/stat.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "tfcompat/io/record_reader.h"
#include "tfcompat/io/record_writer.h"

namespace {

int Fail(const tfcompat::Status& s) {
  std::cerr << "tfrecord_demo: " << s << "\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : "tfrecord_demo_out";
  ::mkdir(dir.c_str(), 0755);
  const std::vector<std::string> records = {"hello, TensorFlow", std::string("a record with \0 a NUL byte", 26),
                                            std::string(64, 'x')};
  struct Variant {
    tfcompat::RecordCompression compression;
    const char* suffix;
  };
  for (const Variant& v :
       {Variant{tfcompat::RecordCompression::kNone, ""}, Variant{tfcompat::RecordCompression::kZlib, ".zlib"},
        Variant{tfcompat::RecordCompression::kGzip, ".gz"}}) {
    const std::string path = dir + "/demo.tfrecord" + v.suffix;
    auto writer = tfcompat::RecordWriter::Create(path, {.compression = v.compression});
    if (!writer.ok()) return Fail(writer.status());
    for (const std::string& r : records) {
      if (auto s = (*writer)->WriteRecord(r); !s.ok()) return Fail(s);
    }
    if (auto s = (*writer)->Close(); !s.ok()) return Fail(s);
    std::string name(tfcompat::RecordCompressionName(v.compression));
    std::printf("wrote %s (%zu records, compression %s)\n", path.c_str(), records.size(),
                name.empty() ? "NONE" : name.c_str());

    auto reader = tfcompat::RecordReader::Open(path, {.compression = v.compression});
    if (!reader.ok()) return Fail(reader.status());
    std::string record;
    tfcompat::Status s;
    for (int i = 0; (s = (*reader)->ReadRecord(&record)).ok(); ++i) {
      std::printf("  read record %d: %zu bytes%s\n", i, record.size(),
                  record == records[i] ? ", matches" : ", DIFFERS");
      if (record != records[i]) return 1;
    }
    if (s.code() != tfcompat::StatusCode::kOutOfRange) return Fail(s);
  }
  return 0;
}
