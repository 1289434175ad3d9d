// SPDX-License-Identifier: Apache-2.0
#include "checkpoint.h"

#include <nanobind/ndarray.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "errors.h"
#include "tfcompat/checkpoint/bundle.h"
#include "tfcompat/checkpoint/checkpoint.h"
#include "tfcompat/checkpoint/tensor.h"
#include "tfcompat/saved_model/saved_model_reader.h"

namespace nb = nanobind;

namespace tfcompat::python {
namespace {

// The element bytes of a tensor read: a numpy array that owns the Tensor.
using ByteArray = nb::ndarray<nb::numpy, uint8_t, nb::ndim<1>>;
// The element bytes of a tensor to write: any C-contiguous CPU buffer of
// bytes (train.py passes a uint8 view of the caller's array, no copy).
using InputBytes = nb::ndarray<const uint8_t, nb::ndim<1>, nb::c_contig, nb::device::cpu>;

// (name, dtype name, shape, data) as train.py passes a tensor to write.
using InputTensor = std::tuple<std::string, std::string, std::vector<int64_t>, nb::object>;

// A tensor's data for Python: its bytes as a numpy array that takes the
// tensor over (no copy), or a list of bytes for a string tensor.
nb::object TensorData(Tensor tensor) {
  if (tensor.dtype() == DataType::kString) {
    nb::list out;
    for (const std::string& s : tensor.strings()) out.append(nb::bytes(s.data(), s.size()));
    return out;
  }
  auto owned = std::make_unique<Tensor>(std::move(tensor));
  std::string* bytes = owned->mutable_bytes();
  nb::capsule owner(owned.get(), [](void* p) noexcept { delete static_cast<Tensor*>(p); });
  owned.release();
  return nb::cast(ByteArray(bytes->data(), {bytes->size()}, owner));
}

// A tensor to write, taken from Python with the GIL held, then written
// without it: `bytes` points into the caller's array, which `array` keeps
// alive (and is dropped with the GIL held again).
struct PendingTensor {
  std::string name;
  DataType dtype = DataType::kInvalid;
  TensorShape shape;
  InputBytes array;
  std::string_view bytes;
  std::vector<std::string> strings;
};

std::vector<PendingTensor> TakeTensors(const std::vector<InputTensor>& tensors) {
  std::vector<PendingTensor> out;
  out.reserve(tensors.size());
  for (const auto& [name, dtype_name, shape, data] : tensors) {
    PendingTensor& t = out.emplace_back();
    t.name = name;
    StatusOr<DataType> dtype = DataTypeFromName(dtype_name);
    if (!dtype.ok()) {
      std::string message = "tensor ";
      message.append(name).append(": unsupported dtype ").append(dtype_name);
      ThrowIfError(InvalidArgumentError(message));
    }
    t.dtype = *dtype;
    t.shape = shape;
    if (t.dtype == DataType::kString) {
      for (nb::handle value : data) {
        const auto b = nb::cast<nb::bytes>(value);
        t.strings.emplace_back(b.c_str(), b.size());
      }
    } else {
      t.array = nb::cast<InputBytes>(data);
      t.bytes = std::string_view(reinterpret_cast<const char*>(t.array.data()), t.array.size());
    }
  }
  return out;
}

// Adds every tensor to `writer`; runs without the GIL.
Status AddAll(BundleWriter& writer, std::vector<PendingTensor>& tensors) {
  for (PendingTensor& t : tensors) {
    if (t.dtype == DataType::kString) {
      StatusOr<Tensor> tensor = Tensor::FromStrings(t.shape, std::move(t.strings));
      if (!tensor.ok()) return tensor.status().WithContext("tensor " + t.name);
      Status added = writer.Add(t.name, *tensor);
      if (!added.ok()) return added;
    } else {
      Status added = writer.AddBytes(t.name, t.dtype, t.shape, t.bytes);
      if (!added.ok()) return added;
    }
  }
  return OkStatus();
}

// tfcompat.train's CheckpointReader underneath: one BundleReader, used by
// one thread at a time (its data files are opened and read on demand).
class Reader {
 public:
  explicit Reader(const std::string& path) {
    nb::gil_scoped_release release;
    const std::string prefix = ValueOrThrow(ResolveCheckpointPath(path));
    reader_ = ValueOrThrow(BundleReader::Open(prefix));
  }

  const std::string& prefix() const { return reader_->prefix(); }

  // (name, dtype name, shape, partitioned) of every tensor, sorted by name.
  std::vector<std::tuple<std::string, std::string, std::vector<int64_t>, bool>> Entries() const {
    std::vector<std::tuple<std::string, std::string, std::vector<int64_t>, bool>> out;
    for (const BundleEntry& e : reader_->entries()) {
      out.emplace_back(e.name, std::string(DataTypeName(e.dtype)), e.shape, e.partitioned);
    }
    return out;
  }

  // (dtype name, shape, data) of the tensor `name`.
  nb::tuple Read(const std::string& name) {
    Tensor tensor;
    {
      nb::gil_scoped_release release;
      std::lock_guard<std::mutex> lock(mu_);
      tensor = ValueOrThrow(reader_->Lookup(name));
    }
    const std::string dtype(DataTypeName(tensor.dtype()));
    const TensorShape shape = tensor.shape();
    return nb::make_tuple(dtype, shape, TensorData(std::move(tensor)));
  }

 private:
  std::mutex mu_;
  std::unique_ptr<BundleReader> reader_;
};

// tfcompat.train.CheckpointManager underneath.
class Manager {
 public:
  Manager(const std::string& directory, int max_to_keep, double keep_checkpoint_every_n_hours,
          const std::string& basename) {
    CheckpointManager::Options options;
    options.basename = basename;
    options.keep_checkpoint_max = max_to_keep;
    options.keep_checkpoint_every_n_hours = keep_checkpoint_every_n_hours;
    nb::gil_scoped_release release;
    manager_ = ValueOrThrow(CheckpointManager::Create(directory, options));
  }

  std::string Save(int64_t step, const std::vector<InputTensor>& tensors) {
    std::vector<PendingTensor> pending = TakeTensors(tensors);
    std::string prefix;
    {
      nb::gil_scoped_release release;
      std::lock_guard<std::mutex> lock(mu_);
      prefix = ValueOrThrow(manager_->Save(step, [&pending](BundleWriter& writer) { return AddAll(writer, pending); }));
    }
    return prefix;
  }

  std::vector<std::string> Checkpoints() {
    nb::gil_scoped_release release;
    std::lock_guard<std::mutex> lock(mu_);
    return manager_->checkpoints();
  }

  const std::string& directory() const { return manager_->directory(); }

 private:
  std::mutex mu_;
  std::unique_ptr<CheckpointManager> manager_;
};

std::string SaveCheckpoint(const std::string& prefix, const std::vector<InputTensor>& tensors,
                           uint64_t max_shard_bytes) {
  std::vector<PendingTensor> pending = TakeTensors(tensors);
  {
    nb::gil_scoped_release release;
    BundleWriter::Options options;
    options.max_shard_bytes = max_shard_bytes;
    std::unique_ptr<BundleWriter> writer = ValueOrThrow(BundleWriter::Create(prefix, options));
    const Status added = AddAll(*writer, pending);
    // Finish returns the writer's first error, AddAll's included.
    const Status finished = writer->Finish();
    ThrowIfError(added.ok() ? finished : added);
  }
  return prefix;
}

}  // namespace

void RegisterCheckpoint(nb::module_& m) {
  nb::class_<Reader>(m, "CheckpointReader")
      .def(nb::init<const std::string&>(), nb::arg("path"),
           "Opens the checkpoint PATH stands for: a prefix, a directory's latest checkpoint, or a SavedModel's "
           "variables.")
      .def_prop_ro("prefix", &Reader::prefix)
      .def("entries", &Reader::Entries, "(name, dtype, shape, partitioned) of every tensor, sorted by name.")
      .def("read", &Reader::Read, nb::arg("name"),
           "(dtype, shape, data): data is a uint8 array of the element bytes, or a list of bytes for strings.");

  nb::class_<Manager>(m, "CheckpointManager")
      .def(nb::init<const std::string&, int, double, const std::string&>(), nb::arg("directory"),
           nb::arg("max_to_keep"), nb::arg("keep_checkpoint_every_n_hours"), nb::arg("basename"))
      .def("save", &Manager::Save, nb::arg("step"), nb::arg("tensors"))
      .def_prop_ro("checkpoints", &Manager::Checkpoints)
      .def_prop_ro("directory", &Manager::directory);

  m.def("save_checkpoint", &SaveCheckpoint, nb::arg("prefix"), nb::arg("tensors"), nb::arg("max_shard_bytes") = 0,
        "Writes the tensors [(name, dtype, shape, data)] as the checkpoint PREFIX.");
  m.def(
      "resolve_checkpoint_path",
      [](const std::string& path) {
        nb::gil_scoped_release release;
        return ValueOrThrow(ResolveCheckpointPath(path));
      },
      nb::arg("path"));
  m.def(
      "latest_checkpoint",
      [](const std::string& directory) {
        nb::gil_scoped_release release;
        return ValueOrThrow(LatestCheckpoint(directory));
      },
      nb::arg("directory"));
}

}  // namespace tfcompat::python
