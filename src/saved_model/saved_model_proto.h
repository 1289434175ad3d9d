// SPDX-License-Identifier: Apache-2.0
// The SavedModel proto of a directory, for the readers inside the library
// (SavedModelReader describes it, SavedModel runs it).
#ifndef TFCOMPAT_SRC_SAVED_MODEL_SAVED_MODEL_PROTO_H_
#define TFCOMPAT_SRC_SAVED_MODEL_SAVED_MODEL_PROTO_H_

#include <cstdint>
#include <string>
#include <vector>

#include "tfcompat/base/status.h"
#include "tfcompat/saved_model/saved_model_reader.h"
#include "tfcompat/tensorflow/saved_model.pb.h"

namespace tfcompat {

// A SavedModel directory's file, read and parsed once: SavedModelReader
// keeps its descriptions, SavedModel::Load also the graph of one of them.
struct ParsedSavedModel {
  // DIR/saved_model.pb or DIR/saved_model.pbtxt.
  std::string file;
  tensorflow::SavedModel proto;
  // meta_graphs[i] describes proto.meta_graphs(i); never empty.
  std::vector<MetaGraphInfo> meta_graphs;
};

// Parses DIR/saved_model.pb, or DIR/saved_model.pbtxt when there is no
// saved_model.pb, with the errors SavedModelReader::Open documents (a file
// larger than `max_file_bytes` is refused before it is read).
StatusOr<ParsedSavedModel> ParseSavedModel(const std::string& dir, uint64_t max_file_bytes);

// The index in `meta_graphs` (those of `file`) of the tag set `tags`, with
// the error SavedModelReader::FindMetaGraph documents.
StatusOr<size_t> FindMetaGraphIndex(const std::vector<MetaGraphInfo>& meta_graphs, const std::vector<std::string>& tags,
                                    const std::string& file);

}  // namespace tfcompat

#endif  // TFCOMPAT_SRC_SAVED_MODEL_SAVED_MODEL_PROTO_H_
