// SPDX-License-Identifier: Apache-2.0
// Loading runs for event_tool: a run is a directory holding event files,
// read as tfcompat::RunReader reads them (in TensorBoard's order, and
// without what TensorBoard purges after a restart unless told otherwise).
#ifndef TFCOMPAT_TOOLS_EVENT_TOOL_EVENT_DATA_H_
#define TFCOMPAT_TOOLS_EVENT_TOOL_EVENT_DATA_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tfcompat/base/status.h"
#include "tfcompat/summary/event_file_reader.h"

namespace CLI {
class App;
}  // namespace CLI

namespace tfcompat::event_tool {

// The name errors begin with: "event_tool: NOT_FOUND: ...".
inline constexpr std::string_view kTool = "event_tool";

struct ScalarPoint {
  double wall_time = 0;
  int64_t step = 0;
  double value = 0;
};

// What `list` prints for one tag.
struct TagStats {
  ValueKind kind = ValueKind::kUnknown;
  int64_t count = 0;
  int64_t min_step = 0;
  int64_t max_step = 0;
  double min_time = 0;
  double max_time = 0;
};

struct RunData {
  std::string name;  // Relative to the logdir; "." for the logdir itself.
  std::vector<std::string> files;
  std::map<std::string, TagStats> tags;
  std::map<std::string, std::vector<ScalarPoint>> scalars;
  int64_t graphs = 0;
  int64_t session_logs = 0;
  // Values left out as orphaned by a restart.
  int64_t purged_values = 0;
};

// Reads every event of run `run` of `logdir`, without the values
// TensorBoard purges after a restart when `purge_orphaned_data`. A
// truncated last record is not an error; a corrupt record is (DataLoss with
// file and offset).
StatusOr<RunData> LoadRun(const std::string& logdir, const std::string& run, bool purge_orphaned_data);

// Declares TensorBoard's --purge_orphaned_data=true|false on `app`.
void AddPurgeOrphanedDataOption(CLI::App& app, bool& purge_orphaned_data);

}  // namespace tfcompat::event_tool

#endif  // TFCOMPAT_TOOLS_EVENT_TOOL_EVENT_DATA_H_
