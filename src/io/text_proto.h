// SPDX-License-Identifier: Apache-2.0
// Protobuf text format (internal): the files TF writes as text (the
// `checkpoint` state file, saved_model.pbtxt), parsed with the first error
// returned rather than written to protobuf's log.
#ifndef TFCOMPAT_SRC_IO_TEXT_PROTO_H_
#define TFCOMPAT_SRC_IO_TEXT_PROTO_H_

#include <google/protobuf/message.h>

#include <string_view>

#include "tfcompat/base/status.h"

namespace tfcompat {

// Parses `text` into `message`. InvalidArgument "<line>:<column>: <what>"
// (both 1-based) for the first error. With `allow_unknown_fields`, fields
// the message does not model are skipped, as a file TF wrote may hold more
// than our messages declare.
Status ParseTextProto(std::string_view text, google::protobuf::Message* message, bool allow_unknown_fields = false);

}  // namespace tfcompat

#endif  // TFCOMPAT_SRC_IO_TEXT_PROTO_H_
