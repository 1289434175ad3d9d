// SPDX-License-Identifier: Apache-2.0
// The SavedModel proto of a directory, for the readers inside the library
// (SavedModelReader describes it, SavedModel runs it).
#ifndef TFCOMPAT_SRC_SAVED_MODEL_SAVED_MODEL_PROTO_H_
#define TFCOMPAT_SRC_SAVED_MODEL_SAVED_MODEL_PROTO_H_

#include <cstdint>
#include <string>

#include "tfcompat/base/status.h"
#include "tfcompat/tensorflow/saved_model.pb.h"

namespace tfcompat {

// Parses DIR/saved_model.pb, or DIR/saved_model.pbtxt when there is no
// saved_model.pb, and sets *file to the one read. A file larger than
// `max_file_bytes` is refused before it is read (InvalidArgument); NotFound
// when DIR holds neither; DataLoss naming the file when it does not parse.
StatusOr<tensorflow::SavedModel> ReadSavedModelProto(const std::string& dir, uint64_t max_file_bytes,
                                                     std::string* file);

}  // namespace tfcompat

#endif  // TFCOMPAT_SRC_SAVED_MODEL_SAVED_MODEL_PROTO_H_
