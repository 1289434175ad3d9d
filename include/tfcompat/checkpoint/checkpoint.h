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
//
// Saving without stopping training (the variables live in the caller's
// memory; only their copy blocks the caller):
//   std::vector<float> kernel(40);
//   const CheckpointManager::TensorView views[] = {
//       {"dense/kernel", DataType::kFloat, {4, 10}, {reinterpret_cast<const char*>(kernel.data()), 160}}};
//   TFCOMPAT_RETURN_IF_ERROR(manager->SaveAsync(step, views));  // kernel may change from here on
//   ...                                                           // train
//   TFCOMPAT_RETURN_IF_ERROR(manager->SaveAsync(step + 100, views));  // the previous save's error, if any
//   TFCOMPAT_RETURN_IF_ERROR(manager->Wait());                   // the last save is on disk and listed
#ifndef TFCOMPAT_CHECKPOINT_CHECKPOINT_H_
#define TFCOMPAT_CHECKPOINT_CHECKPOINT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <thread>
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
//
// Thread-safety: one thread at a time calls a manager's methods. A
// SaveAsync runs its write on a background thread the manager owns; every
// method but directory() first waits for that save to finish, so nothing
// of the manager is shared with the caller while it runs. The destructor
// waits too (an error it would have returned is then dropped: call Wait()).
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
  // Waits for the save in flight.
  ~CheckpointManager();
  CheckpointManager(const CheckpointManager&) = delete;
  CheckpointManager& operator=(const CheckpointManager&) = delete;

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
  //
  // A SaveAsync in flight is waited for first; if it failed, its error is
  // returned and nothing is saved.
  StatusOr<std::string> Save(int64_t step, const std::function<Status(BundleWriter&)>& write);
  StatusOr<std::string> Save(int64_t step, const std::vector<std::pair<std::string, Tensor>>& tensors);

  // A fixed-width tensor in memory its owner holds, such as a model's
  // variable: `bytes` holds its elements in row-major order.
  struct TensorView {
    std::string_view name;
    DataType dtype = DataType::kFloat;
    TensorShape shape;
    std::string_view bytes;
  };

  // Save without waiting for the disk. On the caller's thread: waits for
  // the save in flight (at most one is), then copies the tensors (names,
  // shapes, bytes) into a snapshot the manager owns, whose memory is kept
  // for the next save of the same size or less, and returns; the caller
  // may change the tensors from then on. The bytes are copied on up to
  // four cores (one per 16 MiB), the caller's among them. A background thread then writes
  // the snapshot exactly as Save does (bundle, fsync, rename, state file,
  // retention, with the same guarantees and errors).
  //
  // Returns the error of the previous save if it failed (each error is
  // returned once: here, or by Wait or Save); this save is then not
  // started. A dtype that is not fixed-width, or a byte count
  // that does not match the shape, is InvalidArgument naming the tensor,
  // and nothing is started either.
  [[nodiscard]] Status SaveAsync(int64_t step, std::span<const TensorView> tensors);
  // Waits for the save in flight and returns its outcome (OK with none).
  [[nodiscard]] Status Wait();

  const std::string& directory() const { return dir_; }
  // Prefixes listed in the state file, oldest first; waits for the save in
  // flight (its outcome is kept for Wait or the next save).
  const std::vector<std::string>& checkpoints() const;

 private:
  friend class CheckpointAccess;
  CheckpointManager(Env* env, std::string dir, Options options, CheckpointState state);

  // Save once no save is in flight: the work of Save and of SaveAsync's
  // background thread.
  StatusOr<std::string> SaveNow(int64_t step, const std::function<Status(BundleWriter&)>& write);
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

  // SaveAsync's copy of the tensors: their names, dtypes and shapes, and
  // their bytes back to back in one buffer (in the order of the tensors'
  // addresses: see SaveAsync).
  struct SnapshotEntry {
    std::string name;
    DataType dtype = DataType::kFloat;
    TensorShape shape;
    size_t offset = 0;
    size_t size = 0;
  };
  std::vector<SnapshotEntry> snapshot_;
  std::unique_ptr<char[]> snapshot_bytes_;
  size_t snapshot_capacity_ = 0;
  struct SnapshotCopy;
  std::unique_ptr<SnapshotCopy> copy_;

  // Joins the thread of the save in flight, if any.
  void Join() const;
  // The save in flight (joinable while it runs or until joined) and its
  // outcome, which the thread writes and the caller reads after Join().
  mutable std::thread worker_;
  Status outcome_;
};

}  // namespace tfcompat

#endif  // TFCOMPAT_CHECKPOINT_CHECKPOINT_H_
