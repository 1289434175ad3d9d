// SPDX-License-Identifier: Apache-2.0
// VariableStore: every variable of a model, by its TensorFlow name.
//
// Memory layout (one allocation per block, so "save every variable" is one
// loop over (name, shape, values) and an optimizer update is one loop over a
// block):
//
//   params   [ dnn/hiddenlayer_0/kernel | dnn/hiddenlayer_0/bias | ... ]   trainable
//   grads    [ same layout as params ]                                      not a variable
//   slot "Adagrad"
//            [ dnn/hiddenlayer_0/kernel/t_0/Adagrad | .../bias/t_0/Adagrad | ... ]
//   scalars  dnn/head/beta1_power, ...                                      float, non-slot
//   global_step                                                             int64 scalar
//
// A model of two optimizer parts (wide & deep: the DNN's trainables [0, k)
// with Adagrad, the linear model's [k, n) with Ftrl) has a slot block per
// part and slot: "Adagrad" over [0, k), "Ftrl" and "Ftrl_1" over [k, n).
//
// Every variable's values are row-major, exactly as TensorFlow stores the
// tensor in a checkpoint: a dense kernel of shape [in, out] holds the weight
// from input i to output j at i * out + j.
//
// An optimizer slot is a block mirroring the part of the parameter block that
// a contiguous range of trainables occupies (all of them, or one optimizer's
// share of a model, OptimizerPart in optimizer.h): element k of the slot
// block belongs to params()[trainables_range(first, end).offset + k]. The slot
// of a trainable variable `v` is named `v + "/" + slot_infix(v) + slot_name`
// (TF1's canned estimators create their variables partitioned, which makes
// the checkpoint names `.../kernel/t_0/Adagrad` for the DNN and
// `.../weights/part_0/Ftrl` for the linear model; see docs/formats/checkpoint.md).
//
// Usage:
//   VariableStore store;
//   TFCOMPAT_ASSIGN_OR_RETURN(size_t kernel, store.AddTrainable("dnn/logits/kernel", {10, 3}, "t_0/"));
//   store.params()[kernel] = 0.5f;  // the kernel's first element
//   for (const VariableRef& v : store.List()) {
//     if (v.name == kGlobalStepName) continue;  // an int64 scalar; the others hold floats
//     std::span<float> values = std::get<std::span<float>>(v.values);
//   }
//
// Spans returned by the store stay valid until the next Add* call.
#ifndef TFCOMPAT_MODEL_VARIABLES_H_
#define TFCOMPAT_MODEL_VARIABLES_H_

#include <cstddef>
#include <cstdint>
#include <new>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tfcompat/base/status.h"

namespace tfcompat::model {

// The name of TF's global step variable (an int64 scalar).
inline constexpr std::string_view kGlobalStepName = "global_step";

// Storage aligned to 64 bytes. Vectorised updates of a block process a few
// unaligned leading elements with scalar code, whose rounding (e.g. of an
// approximate rsqrt) differs from the vector code's; with every block
// aligned, a training run gives the same bits whatever addresses the heap
// returns.
template <typename T>
struct AlignedAllocator {
  using value_type = T;
  static constexpr std::align_val_t kAlignment{64};
  AlignedAllocator() = default;
  template <typename U>
  AlignedAllocator(const AlignedAllocator<U>&) {}
  T* allocate(size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), kAlignment)); }
  void deallocate(T* p, size_t) { ::operator delete(p, kAlignment); }
  template <typename U>
  bool operator==(const AlignedAllocator<U>&) const {
    return true;
  }
};
using AlignedFloats = std::vector<float, AlignedAllocator<float>>;

// Elements [offset, offset + size) of params() (and gradients()).
struct ElementRange {
  size_t offset = 0;
  size_t size = 0;
};

// A row-sparse gradient (TF's IndexedSlices): of trainable `variable`
// (its index in AddTrainable order), only `rows` (indices into the first
// dimension, sorted, unique) may be non-zero. A row of a variable of shape
// [d0, d1, ...] is the d1 * ... elements at offset + row * row width.
struct SparseRows {
  size_t variable = 0;
  std::vector<int64_t> rows;
};

// One variable as a checkpoint sees it. `values` views the store's memory.
struct VariableRef {
  std::string_view name;
  std::span<const int64_t> shape;  // empty for a scalar
  std::variant<std::span<float>, std::span<int64_t>> values;
};

class VariableStore {
 public:
  VariableStore();
  VariableStore(const VariableStore&) = delete;
  VariableStore& operator=(const VariableStore&) = delete;
  VariableStore(VariableStore&&) = default;
  VariableStore& operator=(VariableStore&&) = default;

  // Appends a trainable float variable, zero-initialised, and returns its
  // offset in params(). `slot_infix` is inserted between the variable's name
  // and an optimizer's slot name ("t_0/" for TF1 canned DNN variables).
  // InvalidArgument for a duplicate name or a non-positive dimension;
  // FailedPrecondition once a slot block exists.
  [[nodiscard]] StatusOr<size_t> AddTrainable(std::string_view name, std::vector<int64_t> shape,
                                              std::string_view slot_infix = {});

  // Adds an optimizer slot block named `slot_name` ("Adagrad", "Adam_1") for
  // every trainable, each element set to `initial_value`, and returns its id
  // for slot().
  [[nodiscard]] StatusOr<int> AddSlot(std::string_view slot_name, float initial_value);
  // The same for trainables [first_variable, end_variable) only: slot(id)
  // then covers trainables_range(first_variable, end_variable). Two blocks
  // may share a slot name when their ranges do not overlap. InvalidArgument
  // for an empty range or one past the last trainable, or a taken name.
  [[nodiscard]] StatusOr<int> AddSlot(std::string_view slot_name, float initial_value, size_t first_variable,
                                      size_t end_variable);

  // Adds a float scalar that belongs to no trainable variable (Adam's
  // `beta1_power`) and returns its id for scalar().
  [[nodiscard]] StatusOr<int> AddScalar(std::string_view name, float initial_value);

  std::span<float> params() { return params_; }
  std::span<const float> params() const { return params_; }
  // Gradient of the loss with respect to params(), same layout.
  std::span<float> gradients() { return gradients_; }
  std::span<const float> gradients() const { return gradients_; }
  std::span<float> slot(int id) { return slots_[static_cast<size_t>(id)].values; }
  float& scalar(int id) { return scalars_[static_cast<size_t>(id)].value; }
  int64_t& global_step() { return global_step_; }
  int64_t global_step() const { return global_step_; }

  // Number of float elements in params().
  size_t num_params() const { return params_.size(); }

  size_t num_trainables() const { return trainables_.size(); }
  // Where trainable i (in AddTrainable order, i < num_trainables()) lies in params().
  ElementRange trainable_range(size_t i) const { return {trainables_[i].offset, trainables_[i].size}; }
  // Where trainables [first, end) lie in params(); first <= end <= num_trainables().
  ElementRange trainables_range(size_t first, size_t end) const;
  // Elements per row of trainable i: the product of its dimensions after the
  // first (1 for a vector or a scalar).
  size_t row_width(size_t i) const;

  // OK when every entry names a trainable (once) and its rows are sorted,
  // unique and within its first dimension; otherwise InvalidArgument naming
  // the variable and the offending row. Optimizers check before updating.
  [[nodiscard]] Status CheckSparseRows(std::span<const SparseRows> sparse) const;

  // Every variable (trainable, slots, scalars, global_step), sorted by name
  // as a checkpoint lists them.
  std::vector<VariableRef> List();
  // The trainable variables, in the order they were added.
  std::vector<VariableRef> ListTrainable();

  // The variable called `name`; NotFound otherwise.
  [[nodiscard]] StatusOr<VariableRef> Find(std::string_view name);

 private:
  struct Trainable {
    std::string name;
    std::vector<int64_t> shape;
    std::string slot_infix;
    size_t offset;
    size_t size;
  };
  struct Slot {
    std::string slot_name;
    size_t first_variable;
    std::vector<std::string> variable_names;  // one per trainable of the range, same order
    AlignedFloats values;
  };
  struct Scalar {
    std::string name;
    float value;
  };

  [[nodiscard]] Status CheckNewName(std::string_view name) const;

  std::vector<Trainable> trainables_;
  AlignedFloats params_;
  AlignedFloats gradients_;
  std::vector<Slot> slots_;
  std::vector<Scalar> scalars_;
  int64_t global_step_ = 0;
};

}  // namespace tfcompat::model

#endif  // TFCOMPAT_MODEL_VARIABLES_H_
