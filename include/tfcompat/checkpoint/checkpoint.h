// SPDX-License-Identifier: Apache-2.0
// Checkpoints in a model directory, as Estimator and tf.train keep them:
//
//   model_dir/checkpoint                          the state file (text)
//   model_dir/model.ckpt-1000.index, .data-*      one bundle per save
//   model_dir/model.ckpt-2000.index, .data-*
//
// The state file names the latest checkpoint and every one not yet
// deleted, oldest first, relative to model_dir:
//
//   model_checkpoint_path: "model.ckpt-2000"
//   all_model_checkpoint_paths: "model.ckpt-1000"
//   all_model_checkpoint_paths: "model.ckpt-2000"
//
// Usage (saving, then restoring):
//   const std::string model_dir = "models/m";
//   const int64_t step = 1000;
//   const std::vector<std::pair<std::string, Tensor>> tensors = {
//       {"dense/kernel", Tensor::FromVector<float>(DataType::kFloat, {4, 10}, std::vector<float>(40))}};
//   TFCOMPAT_ASSIGN_OR_RETURN(auto manager, CheckpointManager::Create(model_dir));
//   TFCOMPAT_ASSIGN_OR_RETURN(std::string prefix, manager->Save(step, tensors));
//   const std::vector<VariableSpec> specs = {{"dense/kernel", DataType::kFloat, {4, 10}}};
//   TFCOMPAT_ASSIGN_OR_RETURN(std::string latest, LatestCheckpoint(model_dir));
//   TFCOMPAT_ASSIGN_OR_RETURN(auto values, RestoreVariables(latest, specs, model_dir));
#ifndef TFCOMPAT_CHECKPOINT_CHECKPOINT_H_
#define TFCOMPAT_CHECKPOINT_CHECKPOINT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tfcompat/base/status.h"
#include "tfcompat/checkpoint/bundle.h"
#include "tfcompat/checkpoint/tensor.h"

namespace tfcompat {

class Env;  // internal (src/io/file.h)

// The `checkpoint` file's CheckpointState.
struct CheckpointState {
  std::string model_checkpoint_path;
  std::vector<std::string> all_model_checkpoint_paths;  // oldest first
  std::vector<double> all_model_checkpoint_timestamps;  // seconds; may be empty
  double last_preserved_timestamp = 0;

  friend bool operator==(const CheckpointState&, const CheckpointState&) = default;
};

// The protobuf text format TF writes; paths are kept as written.
std::string FormatCheckpointState(const CheckpointState& state);
StatusOr<CheckpointState> ParseCheckpointState(std::string_view text);

struct CheckpointStateOptions {
  // Follow paths that lead outside the model directory (absolute paths
  // elsewhere, or "../" paths). Off, such a state file is refused: a
  // crafted one could otherwise make a reader open, and a CheckpointManager
  // delete, files anywhere. TF-written absolute paths inside the directory
  // are always followed.
  bool allow_paths_outside_dir = false;
};

// Reads `dir`/checkpoint. Relative paths are joined onto `dir`; absolute
// ones are kept. NotFound if there is no state file; InvalidArgument
// "Invalid checkpoint state loaded from <dir>" if it names no checkpoint,
// and "<state file> names checkpoint <path>, which is outside the model
// directory <dir> ..." for a path outside `dir` (unless allowed).
StatusOr<CheckpointState> ReadCheckpointState(const std::string& dir, const CheckpointStateOptions& options = {});
// Replaces `dir`/checkpoint atomically; paths inside `dir` are written
// relative to it, as Estimator does.
Status WriteCheckpointState(const std::string& dir, const CheckpointState& state);

// The prefix of the latest checkpoint of `dir`; NotFound (naming the state
// file and the prefix) if there is none or its index file is missing.
StatusOr<std::string> LatestCheckpoint(const std::string& dir, const CheckpointStateOptions& options = {});
// A checkpoint prefix as given, or a directory's latest checkpoint.
StatusOr<std::string> ResolveCheckpoint(const std::string& path);

// Files of a checkpoint that exist on disk: the index, its data shards and
// the TF1 .meta file.
StatusOr<std::vector<std::string>> CheckpointFiles(const std::string& prefix);

// A variable of the model being restored.
struct VariableSpec {
  std::string name;
  DataType dtype = DataType::kFloat;
  TensorShape shape;
};

// Reads the variables `specs` (in that order) from the checkpoint `prefix`
// after checking all of them: every missing name, dtype mismatch and shape
// mismatch is reported in one error worded like TF's RestoreV2, naming the
// checkpoint and `model_dir` (default: the checkpoint's directory):
//   Key dnn/x/kernel not found in checkpoint
//   tensor_name = dnn/hiddenlayer_1/bias; expected dtype float does not equal original dtype double
//   tensor_name = dnn/hiddenlayer_1/bias; shape in shape_and_slice spec [20] does not match the shape stored in
//   checkpoint: [10]
// NotFound when names are only missing, InvalidArgument otherwise.
StatusOr<std::vector<Tensor>> RestoreVariables(const std::string& prefix, const std::vector<VariableSpec>& specs,
                                               std::string_view model_dir = {});

// A variable restored into memory its owner holds (a model's parameters):
// exactly the variable's bytes.
struct VariableDestination {
  VariableSpec spec;
  std::span<char> bytes;
};

// RestoreVariables into the caller's memory: the same checks and errors
// first (nothing is read unless every variable matches), then one
// BundleReader::ReadInto, which reads at the disk's speed with no copy per
// tensor. On a read error (DataLoss) the destinations hold unspecified bytes.
Status RestoreVariablesInto(const std::string& prefix, std::span<const VariableDestination> variables,
                            std::string_view model_dir = {});

// Saves numbered checkpoints into a directory and keeps the newest ones.
class CheckpointManager {
 public:
  struct Options {
    std::string basename = "model.ckpt";
    // Checkpoints listed and kept; 0 keeps all.
    int keep_checkpoint_max = 5;
    // A checkpoint dropped by keep_checkpoint_max is kept on disk (though
    // no longer listed) when at least this many hours passed since the
    // last one so preserved (TF's rule; 0 disables it).
    double keep_checkpoint_every_n_hours = 10000.0;
    BundleWriter::Options writer;
  };

  // Adopts the checkpoints the state file of `dir` lists (if any).
  static StatusOr<std::unique_ptr<CheckpointManager>> Create(const std::string& dir, Options options);
  static StatusOr<std::unique_ptr<CheckpointManager>> Create(const std::string& dir) { return Create(dir, Options()); }

  // Writes `dir`/<basename>-<step> with `write` adding the tensors, then
  // the state file, then deletes the files of checkpoints dropped. Returns
  // the new prefix.
  //
  // A crash at any point leaves the previous latest checkpoint intact and
  // named by the state file. So does an error (a full disk, a failed
  // write, fsync or rename), naming the file, with one exception: when
  // only the final fsync of the directory fails, or a dropped checkpoint
  // cannot be deleted, the error says that the new checkpoint is saved and
  // listed. The new checkpoint's files are deleted after an error that
  // left it unlisted (unless it replaces a listed one of the same step).
  //
  // The first Save of a manager, and the next one after an error, also
  // delete what killed or failed saves left in `dir`: temp files, data
  // files without an index, files of dropped checkpoints (so give each
  // model_dir one writer: see ModelDirLock).
  StatusOr<std::string> Save(int64_t step, const std::function<Status(BundleWriter&)>& write);
  StatusOr<std::string> Save(int64_t step, const std::vector<std::pair<std::string, Tensor>>& tensors);

  const std::string& directory() const { return dir_; }
  // Prefixes listed in the state file, oldest first.
  const std::vector<std::string>& checkpoints() const { return state_.all_model_checkpoint_paths; }

 private:
  friend class CheckpointAccess;
  CheckpointManager(Env* env, std::string dir, Options options, CheckpointState state);

  // Deletes the leftovers of earlier saves (see Save).
  Status RemoveLeftovers();
  // Whether the state file lists `prefix`.
  bool IsListed(const std::string& prefix) const;
  // Deletes the files of `prefix` unless the state file lists it.
  Status DeleteUnlisted(const std::string& prefix);

  Env* const env_;
  std::string dir_;
  Options options_;
  CheckpointState state_;
  // Whether `dir` holds no leftovers of this manager's or earlier saves.
  bool clean_ = false;
  // Dropped checkpoints whose files are not deleted yet.
  std::vector<std::string> to_delete_;
};

}  // namespace tfcompat

#endif  // TFCOMPAT_CHECKPOINT_CHECKPOINT_H_
