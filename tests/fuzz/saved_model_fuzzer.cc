// SPDX-License-Identifier: Apache-2.0
// Fuzzes SavedModel::Load and Run. The input is the whole saved_model.pb of
// a SavedModel directory whose variables/ is the estimator-basics export's
// (tests/testdata/tf/estimator-basics/saved_model/1567058788): a seed that
// is that export's own saved_model.pb loads and runs, and so does the seed
// keras_mlp_tf2: TF 2.15's tf.saved_model.save of a Keras Sequential MLP of
// those variables' shapes (Dense 2->4 relu, Dense 4->1), its restore
// function's tensor_names rewritten to that checkpoint's keys, so that the
// function inlining, the restore through a function and the plan all run.
// The seed keras3_saved_model_save, Keras 3's tf.saved_model.save of the
// same MLP, has an object graph binding its captured variables: its checks
// run up to the checkpoint, which has no "_CHECKPOINTABLE_OBJECT_GRAPH".
// Each signature of a model that loads is run once on zeros, its unknown
// dimensions given 2 and an unknown rank taken as a vector of 2.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "google/protobuf/stubs/logging.h"
#include "tfcompat/saved_model/saved_model.h"

namespace {

std::string ReadTestData(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::perror(path.c_str());
    std::abort();
  }
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The scratch SavedModel directory, its variables/ written once.
const std::string& ModelDir() {
  static const std::string dir = [] {
    auto& scratch = tfcompat::fuzz::ScratchDir::Get();
    scratch.MakeDir("variables");
    for (const char* name : {"variables.index", "variables.data-00000-of-00001"}) {
      scratch.Write(std::string("variables/") + name,
                    ReadTestData(std::string(TFCOMPAT_FUZZ_VARIABLES_DIR "/") + name));
    }
    return scratch.file("");
  }();
  return dir;
}

}  // namespace

// Mutated strings are mostly invalid UTF-8, which protobuf reports on
// stderr for every parse: silenced, as it costs most of the run time.
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& dir = ModelDir();
  tfcompat::fuzz::ScratchDir::Get().Write("saved_model.pb",
                                          std::string_view(reinterpret_cast<const char*>(data), size));
  // A small bound keeps a hostile constant from passing for a finding of
  // the fuzzer's own RSS limit.
  tfcompat::SavedModel::Options options;
  options.max_tensor_bytes = uint64_t{1} << 24;
  auto model = tfcompat::SavedModel::Load(dir, {"serve"}, options);
  if (!model.ok()) return 0;
  for (const auto& [key, signature] : (*model)->signatures()) {
    std::map<std::string, tfcompat::Tensor> inputs;
    for (const auto& [input_key, input] : signature.inputs) {
      tfcompat::TensorShape shape = input.shape.value_or(tfcompat::TensorShape{2});
      for (int64_t& dim : shape) {
        if (dim < 0) dim = 2;
      }
      auto zeros = tfcompat::Tensor::Zeros(input.dtype, shape);
      if (zeros.ok()) inputs[input_key] = *std::move(zeros);
    }
    (*model)->Run(key, inputs).status().IgnoreError();
  }
  return 0;
}
