// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/checkpoint/checkpoint.h"

#include <google/protobuf/text_format.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <set>
#include <system_error>
#include <vector>

#include "base/parallel_copy.h"
#include "base/parallel_for.h"
#include "checkpoint/checkpoint_internal.h"
#include "io/file.h"
#include "io/text_proto.h"
#include "tfcompat/base/status_macros.h"
#include "tfcompat/tensorflow/checkpoint_state.pb.h"

namespace tfcompat {
namespace {

constexpr std::string_view kStateFileName = "checkpoint";
constexpr uint64_t kMaxStateFileSize = 64 << 20;

bool IsAbsolute(std::string_view path) { return !path.empty() && path[0] == '/'; }

// `path` made absolute (against the working directory) with "." and ".."
// resolved lexically, without a trailing '/'. (A state-file path with ".."
// is refused before this, so symlinks cannot make the two disagree.)
std::string LexicallyAbsolute(std::string_view path) {
  std::string joined(path);
  if (!IsAbsolute(path)) {
    std::string cwd(4096, '\0');
    if (::getcwd(cwd.data(), cwd.size()) != nullptr) joined = JoinPath(cwd.c_str(), path);
  }
  std::vector<std::string_view> parts;
  std::string_view rest = joined;
  while (!rest.empty()) {
    const size_t slash = rest.find('/');
    const std::string_view part = rest.substr(0, slash);
    rest.remove_prefix(slash == std::string_view::npos ? rest.size() : slash + 1);
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  std::string normal;
  for (std::string_view part : parts) (normal += '/') += part;
  return normal.empty() ? "/" : normal;
}

// Whether `path` has a ".." component.
bool HasDotDot(std::string_view path) {
  for (size_t start = 0; start <= path.size();) {
    const size_t end = std::min(path.find('/', start), path.size());
    if (path.substr(start, end - start) == "..") return true;
    start = end + 1;
  }
  return false;
}

// Whether `path` lies inside the directory `dir` (both taken lexically).
bool IsInside(const std::string& dir, const std::string& path) {
  const std::string d = LexicallyAbsolute(dir);
  const std::string p = LexicallyAbsolute(path);
  return p.size() > d.size() && p.compare(0, d.size(), d) == 0 && (d == "/" || p[d.size()] == '/');
}

// Whether `name` (in a model directory) is a temp file a killed or failed
// save left: a bundle's "<basename>-<step>.index.tempstate<n>" /
// ".data-....tempstate<n>" or the state file's "checkpoint.tmp<n>".
bool IsTempFile(std::string_view name, std::string_view basename) {
  const bool bundle_temp =
      name.starts_with(std::string(basename) + "-") && name.find(".tempstate") != std::string_view::npos;
  return bundle_temp || IsAtomicWriteTemp(name, kStateFileName);
}

// The files of the checkpoint `prefix` among the entries of its directory.
std::vector<std::string> FilesOf(const std::string& prefix, const std::vector<std::string>& children) {
  const std::string base = Basename(prefix);
  std::vector<std::string> files;
  for (const std::string& child : children) {
    if (child == base + ".index" || child == base + ".meta" || child.starts_with(base + ".data-")) {
      files.push_back(JoinPath(Dirname(prefix), child));
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// `path` relative to `dir` when it lies directly inside it.
std::string RelativeTo(const std::string& dir, const std::string& path) {
  return Dirname(path) == dir ? Basename(path) : path;
}

}  // namespace

std::string FormatCheckpointState(const CheckpointState& state) {
  tensorflow::CheckpointState proto;
  proto.set_model_checkpoint_path(state.model_checkpoint_path);
  for (const std::string& path : state.all_model_checkpoint_paths) proto.add_all_model_checkpoint_paths(path);
  for (double t : state.all_model_checkpoint_timestamps) proto.add_all_model_checkpoint_timestamps(t);
  proto.set_last_preserved_timestamp(state.last_preserved_timestamp);
  std::string text;
  google::protobuf::TextFormat::PrintToString(proto, &text);
  return text;
}

StatusOr<CheckpointState> ParseCheckpointState(std::string_view text) {
  tensorflow::CheckpointState proto;
  if (Status parsed = ParseTextProto(text, &proto); !parsed.ok()) {
    return InvalidArgumentError("not a text-format CheckpointState: " + parsed.message());
  }
  CheckpointState state;
  state.model_checkpoint_path = proto.model_checkpoint_path();
  state.all_model_checkpoint_paths.assign(proto.all_model_checkpoint_paths().begin(),
                                          proto.all_model_checkpoint_paths().end());
  state.all_model_checkpoint_timestamps.assign(proto.all_model_checkpoint_timestamps().begin(),
                                               proto.all_model_checkpoint_timestamps().end());
  state.last_preserved_timestamp = proto.last_preserved_timestamp();
  return state;
}

StatusOr<CheckpointState> ReadCheckpointState(const std::string& dir, const CheckpointStateOptions& options) {
  const std::string path = JoinPath(dir, kStateFileName);
  TFCOMPAT_ASSIGN_OR_RETURN(std::string text, ReadFileToString(Env::Default(), path, kMaxStateFileSize));
  StatusOr<CheckpointState> state = ParseCheckpointState(text);
  if (!state.ok()) return state.status().WithContext(path);
  if (state->model_checkpoint_path.empty()) {
    return InvalidArgumentError("Invalid checkpoint state loaded from " + dir);
  }
  // Every listed path is confined to `dir`: a reader follows it and a
  // CheckpointManager deletes the files of dropped ones.
  auto absolute = [&](std::string* p) -> Status {
    const bool climbs = HasDotDot(*p);
    if (!IsAbsolute(*p)) *p = JoinPath(dir, *p);
    if (!options.allow_paths_outside_dir && (climbs || !IsInside(dir, *p))) {
      return InvalidArgumentError(path + " names checkpoint " + *p + ", which is outside the model directory " + dir +
                                  " (allow_paths_outside_dir follows it)");
    }
    return OkStatus();
  };
  TFCOMPAT_RETURN_IF_ERROR(absolute(&state->model_checkpoint_path));
  for (std::string& p : state->all_model_checkpoint_paths) TFCOMPAT_RETURN_IF_ERROR(absolute(&p));
  return state;
}

Status WriteCheckpointState(Env* env, const std::string& dir, const CheckpointState& state, bool* replaced) {
  CheckpointState relative = state;
  relative.model_checkpoint_path = RelativeTo(dir, state.model_checkpoint_path);
  for (std::string& p : relative.all_model_checkpoint_paths) p = RelativeTo(dir, p);
  return WriteFileAtomically(env, JoinPath(dir, kStateFileName), FormatCheckpointState(relative), replaced);
}

Status WriteCheckpointState(const std::string& dir, const CheckpointState& state) {
  return WriteCheckpointState(Env::Default(), dir, state, nullptr);
}

StatusOr<std::string> LatestCheckpoint(const std::string& dir, const CheckpointStateOptions& options) {
  TFCOMPAT_ASSIGN_OR_RETURN(CheckpointState state, ReadCheckpointState(dir, options));
  const std::string index = IndexFileName(state.model_checkpoint_path);
  if (!Env::Default()->FileExists(index).ok()) {
    return NotFoundError(JoinPath(dir, kStateFileName) + " names checkpoint " + state.model_checkpoint_path + " but " +
                         index + " does not exist");
  }
  return state.model_checkpoint_path;
}

StatusOr<std::string> ResolveCheckpoint(const std::string& path) {
  if (Env::Default()->IsDirectory(path).ok()) return LatestCheckpoint(path);
  if (!Env::Default()->FileExists(IndexFileName(path)).ok()) {
    return NotFoundError("The passed save_path is not a valid checkpoint: " + path);
  }
  return path;
}

StatusOr<std::vector<std::string>> CheckpointFiles(const std::string& prefix) {
  TFCOMPAT_ASSIGN_OR_RETURN(std::vector<std::string> children, Env::Default()->GetChildren(Dirname(prefix)));
  return FilesOf(prefix, children);
}

namespace {

// Every missing name, dtype and shape of `specs` against the checkpoint, in
// one error worded like TF's RestoreV2 (checkpoint.h).
template <typename SpecOf, typename Item>
Status CheckVariables(const BundleReader& reader, std::span<const Item> items, SpecOf spec_of,
                      std::string_view model_dir) {
  std::vector<std::string> problems;
  bool only_missing = true;
  for (const Item& item : items) {
    const VariableSpec& spec = spec_of(item);
    StatusOr<BundleEntry> entry = reader.GetEntry(spec.name);
    if (!entry.ok()) {
      problems.push_back(entry.status().message());
      continue;
    }
    if (entry->dtype != spec.dtype) {
      only_missing = false;
      problems.push_back("tensor_name = " + spec.name + "; expected dtype " +
                         std::string(DataTypeEnumName(spec.dtype)) + " does not equal original dtype " +
                         std::string(DataTypeEnumName(entry->dtype)));
    }
    if (entry->shape != spec.shape) {
      only_missing = false;
      problems.push_back("tensor_name = " + spec.name + "; shape in shape_and_slice spec " +
                         ShapeDebugString(spec.shape) +
                         " does not match the shape stored in checkpoint: " + ShapeDebugString(entry->shape));
    }
  }
  if (problems.empty()) return OkStatus();
  std::string message = "Restoring from checkpoint " + reader.prefix() + " (model_dir " +
                        (model_dir.empty() ? Dirname(reader.prefix()) : std::string(model_dir)) +
                        ") failed: the model does not match the checkpoint (" + std::to_string(problems.size()) +
                        (problems.size() == 1 ? " problem" : " problems") + "):";
  for (const std::string& p : problems) message += "\n  " + p;
  return only_missing ? NotFoundError(message) : InvalidArgumentError(message);
}

}  // namespace

StatusOr<std::vector<Tensor>> RestoreVariables(const std::string& prefix, const std::vector<VariableSpec>& specs,
                                               std::string_view model_dir) {
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<BundleReader> reader, BundleReader::Open(prefix));
  TFCOMPAT_RETURN_IF_ERROR(CheckVariables(
      *reader, std::span(specs), [](const VariableSpec& spec) -> const VariableSpec& { return spec; }, model_dir));
  std::vector<Tensor> values;
  values.reserve(specs.size());
  for (const VariableSpec& spec : specs) {
    TFCOMPAT_ASSIGN_OR_RETURN(Tensor value, reader->Lookup(spec.name));
    values.push_back(std::move(value));
  }
  return values;
}

Status RestoreVariablesInto(const std::string& prefix, std::span<const VariableDestination> variables,
                            std::string_view model_dir) {
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<BundleReader> reader, BundleReader::Open(prefix));
  TFCOMPAT_RETURN_IF_ERROR(CheckVariables(
      *reader, variables, [](const VariableDestination& v) -> const VariableSpec& { return v.spec; }, model_dir));
  std::vector<BundleReader::Destination> destinations;
  destinations.reserve(variables.size());
  for (const VariableDestination& v : variables) destinations.push_back({v.spec.name, v.bytes});
  return reader->ReadInto(destinations);
}

// ---------------------------------------------------------------------------
// CheckpointManager

// SaveAsync's scratch, kept for the next save: the tensors' indexes in the
// order of their addresses, and the copies of runs of adjacent tensors.
struct CheckpointManager::SnapshotCopy {
  std::vector<size_t> order;
  std::vector<CopyRange> runs;
};

CheckpointManager::CheckpointManager(Env* env, std::string dir, Options options, CheckpointState state)
    : env_(env),
      dir_(std::move(dir)),
      options_(std::move(options)),
      state_(std::move(state)),
      copy_(std::make_unique<SnapshotCopy>()) {}

StatusOr<std::unique_ptr<CheckpointManager>> CheckpointManager::Create(const std::string& dir, Options options) {
  return CheckpointAccess::NewManager(Env::Default(), dir, std::move(options));
}

StatusOr<std::unique_ptr<CheckpointManager>> CheckpointAccess::NewManager(Env* env, const std::string& dir,
                                                                          CheckpointManager::Options options) {
  if (options.keep_checkpoint_max < 0) return InvalidArgumentError("keep_checkpoint_max must be >= 0");
  TFCOMPAT_RETURN_IF_ERROR(env->RecursivelyCreateDir(dir));
  const double now = env->NowSeconds();
  CheckpointState state;
  StatusOr<CheckpointState> existing = ReadCheckpointState(dir);
  if (existing.ok()) {
    state = *std::move(existing);
    // A state file written by tf.compat.v1 Saver has no timestamps.
    if (state.all_model_checkpoint_timestamps.size() != state.all_model_checkpoint_paths.size()) {
      state.all_model_checkpoint_timestamps.assign(state.all_model_checkpoint_paths.size(), now);
    }
  } else if (existing.status().code() != StatusCode::kNotFound) {
    return existing.status();
  }
  if (state.last_preserved_timestamp == 0) state.last_preserved_timestamp = now;
  return std::unique_ptr<CheckpointManager>(new CheckpointManager(env, dir, std::move(options), std::move(state)));
}

Status CheckpointManager::RemoveLeftovers() {
  TFCOMPAT_ASSIGN_OR_RETURN(std::vector<std::string> children, env_->GetChildren(dir_));
  const std::set<std::string> names(children.begin(), children.end());
  for (const std::string& child : children) {
    // A data file whose index never appeared: its save failed or was killed
    // between the renames.
    const size_t data = child.find(".data-");
    const std::string prefix = JoinPath(dir_, child.substr(0, data));
    const bool orphan_data = child.starts_with(options_.basename + "-") && data != std::string::npos &&
                             !IsTempFile(child, options_.basename) && names.count(Basename(prefix) + ".index") == 0 &&
                             !IsListed(prefix);
    if (orphan_data || IsTempFile(child, options_.basename)) {
      TFCOMPAT_RETURN_IF_ERROR(env_->DeleteFile(JoinPath(dir_, child)).WithContext("removing what a failed save left"));
    }
  }
  return OkStatus();
}

bool CheckpointManager::IsListed(const std::string& prefix) const {
  const auto& paths = state_.all_model_checkpoint_paths;
  return prefix == state_.model_checkpoint_path || std::find(paths.begin(), paths.end(), prefix) != paths.end();
}

// The index goes first: a deletion that fails halfway leaves data files
// without an index, which RemoveLeftovers recognises, never an index whose
// data is gone.
Status CheckpointManager::DeleteUnlisted(const std::string& prefix) {
  if (IsListed(prefix)) return OkStatus();
  TFCOMPAT_ASSIGN_OR_RETURN(std::vector<std::string> children, env_->GetChildren(dir_));
  std::vector<std::string> files = FilesOf(prefix, children);
  std::stable_partition(files.begin(), files.end(), [&](const std::string& f) { return f == IndexFileName(prefix); });
  for (const std::string& file : files) TFCOMPAT_RETURN_IF_ERROR(env_->DeleteFile(file));
  return OkStatus();
}

CheckpointManager::~CheckpointManager() { Join(); }

void CheckpointManager::Join() const {
  if (worker_.joinable()) worker_.join();
}

Status CheckpointManager::Wait() {
  Join();
  return std::exchange(outcome_, OkStatus());
}

const std::vector<std::string>& CheckpointManager::checkpoints() const {
  Join();
  return state_.all_model_checkpoint_paths;
}

StatusOr<std::string> CheckpointManager::Save(int64_t step, const std::function<Status(BundleWriter&)>& write) {
  TFCOMPAT_RETURN_IF_ERROR(Wait());
  return SaveNow(step, write);
}

Status CheckpointManager::SaveAsync(int64_t step, std::span<const TensorView> tensors) {
  TFCOMPAT_RETURN_IF_ERROR(Wait());
  size_t total = 0;
  for (const TensorView& t : tensors) {
    const size_t width = DataTypeSize(t.dtype);
    const StatusOr<int64_t> elements = NumElements(t.shape, width);
    if (width == 0 || !elements.ok() || t.bytes.size() != static_cast<uint64_t>(*elements) * width) {
      return InvalidArgumentError("SaveAsync of checkpoint step " + std::to_string(step) + " into " + dir_ +
                                  ": tensor " + std::string(t.name) + " of dtype " +
                                  std::string(DataTypeEnumName(t.dtype)) + " and shape " + ShapeDebugString(t.shape) +
                                  " has " + std::to_string(t.bytes.size()) +
                                  " bytes; expected a fixed-width dtype and the shape's element count times its width");
    }
    total += t.bytes.size();
  }
  if (total > snapshot_capacity_) {
    // Uninitialized: the copy below writes every byte.
    snapshot_bytes_.reset(new char[total]);
    snapshot_capacity_ = total;
  }
  snapshot_.resize(tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) {
    const TensorView& t = tensors[i];
    SnapshotEntry& entry = snapshot_[i];
    entry.name.assign(t.name);
    entry.dtype = t.dtype;
    entry.shape.assign(t.shape.begin(), t.shape.end());
    entry.size = t.bytes.size();
  }
  // The snapshot holds the tensors in the order of their addresses, so that
  // tensors back to back in the caller's memory (a model's parameter and
  // slot blocks) are one range whatever their order: a large copy streams
  // past the cache, which many small ones do not (1.6x slower for 1 GiB in
  // 16 MiB pieces with glibc). The ranges are copied on the cores
  // (base/parallel_copy.h): training waits for the copy, so they are idle.
  std::vector<size_t>& order = copy_->order;
  order.resize(tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return std::less<const char*>()(tensors[a].bytes.data(), tensors[b].bytes.data());
  });
  std::vector<CopyRange>& runs = copy_->runs;
  runs.clear();
  size_t offset = 0;
  for (const size_t i : order) {
    const std::string_view bytes = tensors[i].bytes;
    snapshot_[i].offset = offset;
    if (runs.empty() || bytes.data() != runs.back().from + runs.back().size) {
      runs.push_back({snapshot_bytes_.get() + offset, bytes.data(), 0});
    }
    runs.back().size += bytes.size();
    offset += bytes.size();
  }
  ParallelCopy(runs, ParallelThreads());
  const auto save = [this, step] {
    outcome_ = SaveNow(step, [this](BundleWriter& writer) {
                 for (const SnapshotEntry& e : snapshot_) {
                   TFCOMPAT_RETURN_IF_ERROR(writer.AddBytes(
                       e.name, e.dtype, e.shape, std::string_view(snapshot_bytes_.get() + e.offset, e.size)));
                 }
                 return OkStatus();
               }).status();
  };
  try {
    worker_ = std::thread(save);
  } catch (const std::system_error&) {
    save();  // no thread to be had: the save completes before returning
  }
  return OkStatus();
}

StatusOr<std::string> CheckpointManager::SaveNow(int64_t step, const std::function<Status(BundleWriter&)>& write) {
  const std::string prefix = JoinPath(dir_, options_.basename + "-" + std::to_string(step));
  if (!clean_) TFCOMPAT_RETURN_IF_ERROR(RemoveLeftovers());
  // Until this save completes, `dir` may hold what it leaves on an error.
  clean_ = false;

  CheckpointState next = state_;
  auto& paths = next.all_model_checkpoint_paths;
  auto& times = next.all_model_checkpoint_timestamps;
  for (size_t i = paths.size(); i-- > 0;) {
    if (paths[i] == prefix) {
      paths.erase(paths.begin() + static_cast<std::ptrdiff_t>(i));
      times.erase(times.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  paths.push_back(prefix);
  times.push_back(env_->NowSeconds());
  next.model_checkpoint_path = prefix;
  std::vector<std::string> dropped;
  const size_t max = static_cast<size_t>(options_.keep_checkpoint_max);
  while (max > 0 && paths.size() > max) {
    const double time = times.front();
    const double hours = options_.keep_checkpoint_every_n_hours;
    if (hours > 0 && time - hours * 3600.0 >= next.last_preserved_timestamp) {
      next.last_preserved_timestamp = time;  // kept on disk, no longer listed
    } else {
      dropped.push_back(paths.front());
    }
    paths.erase(paths.begin());
    times.erase(times.begin());
  }

  Status status = [&]() -> Status {
    // WriteCheckpointState below fsyncs the directory after its rename,
    // which makes the bundle's renames durable too, and before the state
    // file can name the new checkpoint.
    BundleWriter::Options writer_options = options_.writer;
    writer_options.sync_directory = false;
    TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<BundleWriter> writer,
                              CheckpointAccess::NewBundleWriter(env_, prefix, writer_options));
    TFCOMPAT_RETURN_IF_ERROR(write(*writer));
    return writer->Finish();
  }();
  bool replaced = false;
  if (status.ok()) status = WriteCheckpointState(env_, dir_, next, &replaced);
  if (!replaced) {
    // The state file still names the previous checkpoints; the new one's
    // files go now, or after the next save if deleting fails too.
    if (!DeleteUnlisted(prefix).ok()) to_delete_.push_back(prefix);
    return status;
  }
  state_ = std::move(next);
  to_delete_.insert(to_delete_.end(), dropped.begin(), dropped.end());
  const std::string saved =
      "Checkpoint " + prefix + " is saved and named the latest by " + JoinPath(dir_, kStateFileName) + ", but ";
  // The directory's fsync failed: the state file may still revert to the
  // previous one, which names the dropped checkpoints; they stay for now.
  if (!status.ok()) return Status(status.code(), saved + status.message());
  // Only now may old files go: the state file no longer names them.
  while (!to_delete_.empty()) {
    const Status deleted = DeleteUnlisted(to_delete_.back());
    if (!deleted.ok()) return Status(deleted.code(), saved + "deleting an old checkpoint failed: " + deleted.message());
    to_delete_.pop_back();
  }
  clean_ = true;
  return prefix;
}

StatusOr<std::string> CheckpointManager::Save(int64_t step,
                                              const std::vector<std::pair<std::string, Tensor>>& tensors) {
  return Save(step, [&tensors](BundleWriter& writer) {
    for (const auto& [name, tensor] : tensors) TFCOMPAT_RETURN_IF_ERROR(writer.Add(name, tensor));
    return OkStatus();
  });
}

}  // namespace tfcompat
