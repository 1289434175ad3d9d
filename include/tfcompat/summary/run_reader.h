// SPDX-License-Identifier: Apache-2.0
// RunReader: the events of one TensorBoard run (a directory of event files)
// as TensorBoard shows them: its event files in TensorBoard's order, without
// the values TensorBoard purges as orphaned by a restart.
//
// Usage:
//   TFCOMPAT_ASSIGN_OR_RETURN(auto run, tfcompat::RunReader::Open("logs/train"));
//   std::map<std::string, std::vector<std::pair<int64_t, double>>> scalars;
//   tfcompat::EventView event;
//   tfcompat::Status s;
//   while ((s = run->ReadEvent(&event)).ok()) {
//     for (const auto& v : event.values) {
//       if (v.kind == tfcompat::ValueKind::kScalar) scalars[v.tag].emplace_back(event.step, v.scalar);
//     }
//   }
//   if (s.code() != tfcompat::StatusCode::kOutOfRange) return s;  // DataLoss: may call again to skip it
//
// Files: the regular files directly in the directory whose name contains
// "tfevents" and does not end in ".profile-empty", read one after the other
// in byte order of their names (TensorBoard's directory loader; a writer's
// file names start with the creation time, so this is creation order).
// Subdirectories are other runs.
//
// Restarts. A job that crashes at step 100 and resumes from its checkpoint
// at step 60 writes steps 60..100 again, into a new file. TensorBoard's
// event accumulator (--purge_orphaned_data, on by default) then drops the
// earlier values that the restart made "orphaned". It reads the run's
// events in order, keeping two pieces of state across files:
//   - the version of the last `file_version` event ("brain.Event:2": 2; the
//     number after the last "brain.Event:", or -1 if that is no number);
//   - the step of the last summary event (initially -1).
// and, at each event, before taking in its values:
//   - version >= 2 (what TensorFlow, PyTorch, tensorboardX and we write): a
//     SessionLog START at step s drops every value read so far whose step
//     is >= s, in all tags -- except the run's first START, which marks the
//     first start, not a restart. Steps going back purge nothing.
//   - otherwise (version 1, or no file_version yet): a summary event whose
//     step s is below the last summary event's step drops the values read
//     so far at steps >= s of the tags that event holds; other tags keep
//     theirs. SessionLog START purges nothing.
// Dropped values are gone whatever their kind: scalars, histograms, images,
// audio, text, tensors. A `graph_def` event counts as a summary event with
// the tag "__run_graph__" and a `tagged_run_metadata` event as one with its
// tag (TensorBoard turns both into summary values); other events (the
// file_version, session logs, log messages, meta graphs) are never dropped
// and only the START ones purge. The values read after a purge, those of
// the event that purged included, are kept until a later purge.
// This is TensorBoard's Python loader (tensorboard --load_fast=false, and
// plugin_event_accumulator.EventAccumulator). The older
// event_accumulator.EventAccumulator differs: every START purges, the first
// included; in version-1 files a step is compared with the previous event's
// whatever its kind; tensor values (TF 2's tf.summary) are never dropped.
// TensorBoard's Rust loader (--load_fast=true, the default where it is
// installed) ignores SessionLog, file_version and --purge_orphaned_data:
// in each tag, a value at step s drops that tag's earlier values at steps
// >= s.
//
// How: with purging on, Open reads every file once and notes where the run
// restarts (record framing, CRCs and a few top-level fields of each event,
// without parsing summaries); ReadEvent then reads the events again and
// drops the values a later restart orphans. It stops at the end each file
// had at Open, so a run still being written is read as it was then. A run
// without restarts costs one extra pass over its records and nothing per
// value; a run with restarts costs a binary search among the restarts per
// event (and per value when version-1 purges exist). With single_pass, the
// rule follows the events as ReadEvent returns them, each file read to the
// end it has then, and the two passes begin only if a restart purges a
// value already returned (a restart at a step beyond every value so far
// purges nothing).
#ifndef TFCOMPAT_SUMMARY_RUN_READER_H_
#define TFCOMPAT_SUMMARY_RUN_READER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tfcompat/base/status.h"
#include "tfcompat/summary/event_file_reader.h"

namespace tfcompat {

struct RunReaderOptions {
  // Leave out what TensorBoard purges after a restart (its
  // --purge_orphaned_data). false: every event as written.
  bool purge_orphaned_data = true;
  // With purging, read each event once: no first pass, events returned as
  // read, until a restart purges a value already returned. ReadEvent then
  // returns Aborted (once) and reads the run again from its first event,
  // the two-pass way. For callers that keep what they read and can drop it
  // on Aborted: a run that no restart cuts back costs one pass, not two.
  bool single_pass = false;
};

class RunReader {
 public:
  // NotFound if `dir` is not a directory; the error of a file that cannot
  // be opened or read. A corrupt record is not an error here: ReadEvent
  // reports it when it gets there.
  static StatusOr<std::unique_ptr<RunReader>> Open(const std::string& dir, const RunReaderOptions& options = {});
  ~RunReader();
  RunReader(const RunReader&) = delete;
  RunReader& operator=(const RunReader&) = delete;

  // OK: `*event` holds the next event, its purged values removed from
  // `values` (`serialized` stays the record as written); an event left with
  // no value, or a purged graph or run metadata, is skipped.
  // OutOfRange: no more events (a partial last record of a file, one still
  // being written, ends that file).
  // DataLoss: a corrupt record, or one that is not an Event, naming the file
  // and offset. Calling again reads on after it, or from the next file when
  // the record framing of this one is lost.
  // Aborted (single_pass only): drop every event read so far; calling again
  // reads the run from its first event.
  Status ReadEvent(EventView* event);

  // The run's event files, in reading order.
  const std::vector<std::string>& files() const;
  // How many values (graphs and run metadata included) ReadEvent has left
  // out so far.
  int64_t purged_values() const;

 private:
  struct Rep;
  explicit RunReader(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace tfcompat

#endif  // TFCOMPAT_SUMMARY_RUN_READER_H_
