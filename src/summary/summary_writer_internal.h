// SPDX-License-Identifier: Apache-2.0
// What code inside tfcompat may do with a SummaryWriter beyond its public
// API (internal): pick the Env (tests inject faults), pass protobuf
// messages directly.
#ifndef TFCOMPAT_SRC_SUMMARY_SUMMARY_WRITER_INTERNAL_H_
#define TFCOMPAT_SRC_SUMMARY_SUMMARY_WRITER_INTERNAL_H_

#include <memory>
#include <string>

#include "io/file.h"
#include "tfcompat/summary/summary_writer.h"
#include "tfcompat/tensorflow/event.pb.h"
#include "tfcompat/tensorflow/graph.pb.h"

namespace tfcompat {

class SummaryWriterAccess {
 public:
  // SummaryWriter::Create with file I/O through `env`.
  static StatusOr<std::unique_ptr<SummaryWriter>> Create(Env* env, const std::string& logdir,
                                                         const SummaryWriterOptions& options);
  // Queues `event`, setting its wall_time to now.
  static Status WriteEvent(SummaryWriter& writer, tensorflow::Event& event);
};

// The Graphs dashboard's graph, from a message rather than bytes.
Status AddGraphDef(SummaryWriter& writer, const tensorflow::GraphDef& graph);

}  // namespace tfcompat

#endif  // TFCOMPAT_SRC_SUMMARY_SUMMARY_WRITER_INTERNAL_H_
