// SPDX-License-Identifier: Apache-2.0
#include "io/text_proto.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <string>

namespace tfcompat {
namespace {

class FirstErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (error_.empty()) error_ = std::to_string(line + 1) + ":" + std::to_string(column + 1) + ": " + message;
  }
  const std::string& error() const { return error_; }

 private:
  std::string error_;
};

}  // namespace

Status ParseTextProto(std::string_view text, google::protobuf::Message* message, bool allow_unknown_fields) {
  google::protobuf::TextFormat::Parser parser;
  FirstErrorCollector errors;
  parser.RecordErrorsTo(&errors);
  parser.AllowUnknownField(allow_unknown_fields);
  if (parser.ParseFromString(std::string(text), message)) return OkStatus();
  return InvalidArgumentError(errors.error());
}

}  // namespace tfcompat
