// SPDX-License-Identifier: Apache-2.0
// The sparse kernels of the categorical feature columns, called as the
// planner calls them (the registry's factory on a NodeDef, then Compute):
// known answers from TF 2.15's kernels on the same inputs, TF's messages
// for bad indices and shapes, and outputs past max_tensor_bytes refused
// before they are allocated. One Load and Run shows the node named. And the
// tables of vocabulary files, filled from the SavedModel's assets.
#include <boost/filesystem.hpp>
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "io/text_proto.h"
#include "saved_model/ops/kernel.h"
#include "saved_model/ops/lookup_ops.h"
#include "tfcompat/base/status_macros.h"
#include "tfcompat/saved_model/saved_model.h"
#include "util/temp_dir.h"
#include "util/test_print.h"
#include "util/text.h"

namespace tfcompat {
namespace {

using saved_model::KernelRegistry;
using saved_model::NodeAttrs;
using saved_model::OpKernel;
using testing::Contains;

// The crossed_column's hash key (feature_column's _DEFAULT_HASH_KEY).
constexpr int64_t kHashKey = 956888297470;

// Runs the op of `node` (a NodeDef text without inputs) on `inputs`, through
// the registry's check and factory as the planner does.
StatusOr<std::vector<Tensor>> RunOp(const std::string& node, const std::vector<Tensor>& inputs,
                                    uint64_t max_tensor_bytes = uint64_t{1} << 30) {
  tensorflow::NodeDef def;
  TFCOMPAT_RETURN_IF_ERROR(ParseTextProto(node, &def));
  def.set_name("n");
  for (size_t i = 0; i < inputs.size(); ++i) def.add_input()->append("i").append(std::to_string(i));
  TFCOMPAT_ASSIGN_OR_RETURN(const KernelRegistry::Checked checked, KernelRegistry::Builtin().Check(def));
  TFCOMPAT_ASSIGN_OR_RETURN(const std::unique_ptr<OpKernel> kernel,
                            checked.spec->factory(NodeAttrs(def, {}, max_tensor_bytes)));
  std::vector<const Tensor*> pointers;
  for (const Tensor& input : inputs) pointers.push_back(&input);
  std::vector<Tensor> outputs(checked.num_outputs);
  TFCOMPAT_RETURN_IF_ERROR(kernel->Compute(pointers, outputs));
  return outputs;
}

Tensor Int64s(TensorShape shape, std::vector<int64_t> values) {
  return Tensor::FromVector<int64_t>(DataType::kInt64, std::move(shape), values);
}
Tensor Int32s(TensorShape shape, std::vector<int32_t> values) {
  return Tensor::FromVector<int32_t>(DataType::kInt32, std::move(shape), values);
}
Tensor Floats(TensorShape shape, std::vector<float> values) {
  return Tensor::FromVector<float>(DataType::kFloat, std::move(shape), values);
}

template <typename T>
std::vector<T> Values(const Tensor& tensor) {
  return std::vector<T>(tensor.flat<T>().begin(), tensor.flat<T>().end());
}

// A SavedModel in `dir` whose "serve" graph has `nodes` and the signature
// "predict": input "x" (x:0, float [?,2]), output "y" (y:0, `y_dtype`);
// `extra` is more of the MetaGraphDef (an init op, assets).
void WriteModel(const testing::TempDir& dir, const std::string& nodes, const std::string& y_dtype,
                const std::string& extra = "") {
  testing::WriteAll(dir.file("saved_model.pbtxt"),
                    "saved_model_schema_version: 1 meta_graphs { meta_info_def { tags: \"serve\" } graph_def { " +
                        nodes +
                        " } signature_def { key: \"predict\" value { inputs { key: \"x\" value { name: \"x:0\" dtype: "
                        "DT_FLOAT tensor_shape { dim { size: -1 } dim { size: 2 } } } } outputs { key: \"y\" value { "
                        "name: \"y:0\" dtype: " +
                        y_dtype + " } } } } " + extra + " }");
}

// clang-format off
constexpr const char* kSparseCross = R"pb(
  op: "SparseCross"
  attr { key: "N" value { i: 1 } }
  attr { key: "hashed_output" value { b: true } }
  attr { key: "num_buckets" value { i: 100 } }
  attr { key: "hash_key" value { i: 956888297470 } }
  attr { key: "sparse_types" value { list { type: DT_STRING } } }
  attr { key: "dense_types" value { list { type: DT_INT64 } } }
  attr { key: "out_type" value { type: DT_INT64 } }
  attr { key: "internal_type" value { type: DT_INT64 } }
)pb";
// clang-format on

// Sparse strings {[0,0]: "a", [0,1]: "b", [1,0]: "c"} of shape [3,2]
// crossed with the dense int64 column [[1],[2],[3]].
std::vector<Tensor> CrossInputs() {
  Tensor strings = *Tensor::FromStrings({3}, {"a", "b", "c"});
  return {Int64s({3, 2}, {0, 0, 0, 1, 1, 0}), std::move(strings), Int64s({2}, {3, 2}), Int64s({3, 1}, {1, 2, 3})};
}

BOOST_AUTO_TEST_SUITE(sparse_ops)

BOOST_AUTO_TEST_CASE(sparse_cross_hashes_every_combination_as_tf_does) {
  // TF 2.15: [85, 83, 23]; row 2 has no sparse value, so no cross.
  const StatusOr<std::vector<Tensor>> out = RunOp(kSparseCross, CrossInputs());
  BOOST_TEST_REQUIRE(out.ok(), out.status());
  BOOST_TEST(Values<int64_t>((*out)[0]) == (std::vector<int64_t>{0, 0, 0, 1, 1, 0}), boost::test_tools::per_element());
  BOOST_TEST(Values<int64_t>((*out)[1]) == (std::vector<int64_t>{85, 83, 23}), boost::test_tools::per_element());
  BOOST_TEST(Values<int64_t>((*out)[2]) == (std::vector<int64_t>{3, 2}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(sparse_cross_without_buckets_gives_the_whole_fingerprint) {
  std::string node = kSparseCross;
  node.replace(node.find("i: 100"), 6, "i: 0");
  const StatusOr<std::vector<Tensor>> out = RunOp(node, CrossInputs());
  BOOST_TEST_REQUIRE(out.ok(), out.status());
  BOOST_TEST(Values<int64_t>((*out)[1]) ==
                 (std::vector<int64_t>{2928842892298887678, 5354134812324246176, 8046540229177717716}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(sparse_cross_names_a_row_outside_the_batch_and_a_batch_mismatch) {
  std::vector<Tensor> inputs = CrossInputs();
  inputs[0] = Int64s({3, 2}, {0, 0, 0, 1, 5, 0});
  const Status row = RunOp(kSparseCross, inputs).status();
  BOOST_TEST(Contains(row, "Input indices[2] = [5,0] is out of bounds: need 0 <= row < 3 at position 0"), row);
  inputs = CrossInputs();
  inputs[3] = Int64s({2, 1}, {1, 2});
  const Status batch = RunOp(kSparseCross, inputs).status();
  BOOST_TEST(Contains(batch, "Expected batch size 3 got 2 at position 0"), batch);
}

BOOST_AUTO_TEST_CASE(sparse_cross_past_the_tensor_limit_fails_before_allocating) {
  // One row of 1000 x 1000 values crosses to a million ids.
  std::vector<int64_t> indices;
  for (int64_t k = 0; k < 1000; ++k) indices.insert(indices.end(), {0, k});
  std::vector<int64_t> dense(1000, 7);
  std::vector<std::string> strings(1000, "s");
  const std::vector<Tensor> inputs = {Int64s({1000, 2}, indices), *Tensor::FromStrings({1000}, strings),
                                      Int64s({2}, {1, 1000}), Int64s({1, 1000}, dense)};
  const Status status = RunOp(kSparseCross, inputs, 1 << 20).status();
  BOOST_TEST(Contains(status, "output of shape [1000000,2] and dtype int64 would take more than max_tensor_bytes"),
             status);
}

BOOST_AUTO_TEST_CASE(sparse_reshape_moves_each_index_to_the_new_shape) {
  const std::string node = R"pb(op: "SparseReshape")pb";
  const StatusOr<std::vector<Tensor>> out =
      RunOp(node, {Int64s({3, 2}, {0, 1, 1, 2, 2, 3}), Int64s({2}, {3, 4}), Int64s({2}, {-1, 2})});
  BOOST_TEST_REQUIRE(out.ok(), out.status());
  BOOST_TEST(Values<int64_t>((*out)[0]) == (std::vector<int64_t>{0, 1, 3, 0, 5, 1}), boost::test_tools::per_element());
  BOOST_TEST(Values<int64_t>((*out)[1]) == (std::vector<int64_t>{6, 2}), boost::test_tools::per_element());
  const auto reshape = [&](std::vector<int64_t> shape) {
    return RunOp(node, {Int64s({1, 2}, {0, 1}), Int64s({2}, {3, 4}), Int64s({2}, std::move(shape))}).status();
  };
  BOOST_TEST(Contains(reshape({5, -1}),
                      "Input to reshape is a SparseTensor with 12 dense values, but the requested shape requires a "
                      "multiple of 5. input_shape=[3,4] output_shape=[5,1]"));
  BOOST_TEST(Contains(reshape({-1, -1}), "only one output dimension may be -1, not both 0 and 1"));
  BOOST_TEST(Contains(reshape({5, 2}),
                      "Input to reshape is a tensor with 12 dense values, but the requested shape has 10. "
                      "input_shape=[3,4] output_shape=[5,2]"));
  const Status outside = RunOp(node, {Int64s({1, 2}, {3, 0}), Int64s({2}, {3, 4}), Int64s({2}, {2, 6})}).status();
  BOOST_TEST(Contains(outside, "indices[0] = [3,0] is out of bounds: need 0 <= index < [3,4]"), outside);
}

BOOST_AUTO_TEST_CASE(sparse_fill_empty_rows_adds_the_default_at_column_zero_of_each_empty_row) {
  const std::string node = R"pb(op: "SparseFillEmptyRows"
                                attr {
                                  key: "T"
                                  value { type: DT_FLOAT }
                                })pb";
  const StatusOr<std::vector<Tensor>> out = RunOp(
      node,
      {Int64s({4, 2}, {0, 1, 0, 3, 2, 0, 3, 1}), Floats({4}, {10, 11, 12, 13}), Int64s({2}, {5, 6}), Floats({}, {-1})});
  BOOST_TEST_REQUIRE(out.ok(), out.status());
  // TF 2.15's answer.
  BOOST_TEST(Values<int64_t>((*out)[0]) == (std::vector<int64_t>{0, 1, 0, 3, 1, 0, 2, 0, 3, 1, 4, 0}),
             boost::test_tools::per_element());
  BOOST_TEST(Values<float>((*out)[1]) == (std::vector<float>{10, 11, -1, 12, 13, -1}),
             boost::test_tools::per_element());
  BOOST_TEST(Values<uint8_t>((*out)[2]) == (std::vector<uint8_t>{0, 1, 0, 0, 1}), boost::test_tools::per_element());
  BOOST_TEST(Values<int64_t>((*out)[3]) == (std::vector<int64_t>{0, 1, 3, 4}), boost::test_tools::per_element());
  const Status outside =
      RunOp(node, {Int64s({2, 2}, {0, 1, 7, 3}), Floats({2}, {10, 11}), Int64s({2}, {5, 6}), Floats({}, {-1})})
          .status();
  BOOST_TEST(Contains(outside, "indices(1, 0) is invalid: 7 >= 5"), outside);
  const Status huge =
      RunOp(node, {Int64s({0, 2}, {}), Floats({0}, {}), Int64s({2}, {int64_t{1} << 40, 6}), Floats({}, {-1})}).status();
  BOOST_TEST(Contains(huge, "would take more than max_tensor_bytes"), huge);
}

BOOST_AUTO_TEST_CASE(sparse_to_dense_places_values_over_the_default_and_checks_indices) {
  const std::string node = R"pb(op: "SparseToDense"
                                attr {
                                  key: "T"
                                  value { type: DT_INT64 }
                                }
                                attr {
                                  key: "Tindices"
                                  value { type: DT_INT64 }
                                })pb";
  const StatusOr<std::vector<Tensor>> out =
      RunOp(node, {Int64s({2, 2}, {0, 1, 1, 2}), Int64s({2}, {2, 3}), Int64s({2}, {5, 6}), Int64s({}, {-1})});
  BOOST_TEST_REQUIRE(out.ok(), out.status());
  BOOST_TEST((*out)[0].shape() == (TensorShape{2, 3}), boost::test_tools::per_element());
  BOOST_TEST(Values<int64_t>((*out)[0]) == (std::vector<int64_t>{-1, 5, -1, -1, -1, 6}),
             boost::test_tools::per_element());
  const auto to_dense = [&](std::vector<int64_t> indices) {
    return RunOp(node, {Int64s({2, 2}, std::move(indices)), Int64s({2}, {2, 3}), Int64s({2}, {5, 6}), Int64s({}, {-1})})
        .status();
  };
  BOOST_TEST(Contains(to_dense({0, 1, 0, 1}), "indices[1] = [0,1] is repeated"));
  BOOST_TEST(
      Contains(to_dense({1, 0, 0, 1}), "indices[1] = [0,1] is out of order. Many sparse ops require sorted indices."));
  BOOST_TEST(Contains(to_dense({0, 5, 1, 0}), "indices[0] = [0,5] is out of bounds: need 0 <= index < [2,3]"));
  const Status huge =
      RunOp(node, {Int64s({1, 2}, {0, 0}), Int64s({2}, {1 << 20, 1 << 20}), Int64s({1}, {5}), Int64s({}, {-1})})
          .status();
  BOOST_TEST(Contains(huge, "output of shape [1048576,1048576] and dtype int64 would take more than"), huge);
}

BOOST_AUTO_TEST_CASE(sparse_segment_reductions_sum_average_and_scale_by_sqrt_n) {
  // data rows 0 and 2 into segment 0, row 1 into segment 2; segment 1 empty.
  const std::vector<Tensor> inputs = {Floats({3, 2}, {1, 2, 3, 4, 5, 6}), Int32s({3}, {0, 2, 1}),
                                      Int32s({3}, {0, 0, 2})};
  const auto reduce = [&](const std::string& op) -> std::vector<float> {
    const StatusOr<std::vector<Tensor>> out =
        RunOp("op: \"" + op + "\" attr { key: \"T\" value { type: DT_FLOAT } }", inputs);
    BOOST_TEST_REQUIRE(out.ok(), out.status());
    BOOST_TEST((*out)[0].shape() == (TensorShape{3, 2}), boost::test_tools::per_element());
    return Values<float>((*out)[0]);
  };
  // TF 2.15's answers.
  BOOST_TEST(reduce("SparseSegmentSum") == (std::vector<float>{6, 8, 0, 0, 3, 4}), boost::test_tools::per_element());
  BOOST_TEST(reduce("SparseSegmentMean") == (std::vector<float>{3, 4, 0, 0, 3, 4}), boost::test_tools::per_element());
  const std::vector<float> sqrt_n = reduce("SparseSegmentSqrtN");
  BOOST_TEST(sqrt_n[0] == 4.242640495300293f);
  BOOST_TEST(sqrt_n[1] == 5.656854152679443f);
  // A mean of three: TF's 7 * (1 / 3.0f), one ulp off 7 / 3.0f.
  const StatusOr<std::vector<Tensor>> mean =
      RunOp(R"pb(op: "SparseSegmentMean"
                 attr {
                   key: "T"
                   value { type: DT_FLOAT }
                 })pb",
            {Floats({3, 1}, {1, 2, 4}), Int32s({3}, {0, 1, 2}), Int32s({3}, {0, 0, 0})});
  BOOST_TEST_REQUIRE(mean.ok(), mean.status());
  BOOST_TEST(Values<float>((*mean)[0])[0] == 2.3333334922790527f);
}

BOOST_AUTO_TEST_CASE(sparse_segment_sum_names_bad_indices_and_unsorted_or_negative_segments) {
  const std::string node = R"pb(op: "SparseSegmentSum"
                                attr {
                                  key: "T"
                                  value { type: DT_FLOAT }
                                })pb";
  const auto sum = [&](std::vector<int32_t> indices, std::vector<int32_t> segments) {
    return RunOp(node, {Floats({3, 2}, {1, 2, 3, 4, 5, 6}), Int32s({static_cast<int64_t>(indices.size())}, indices),
                        Int32s({static_cast<int64_t>(segments.size())}, segments)})
        .status();
  };
  BOOST_TEST(Contains(sum({0, 3, 1}, {0, 0, 1}), "Bad: indices[1] == 3 out of range [0, 3)"));
  BOOST_TEST(Contains(sum({0, 1, 1}, {1, 0, 1}), "segment ids are not increasing"));
  BOOST_TEST(Contains(sum({0, 1}, {-1, -1}), "segment ids must be >= 0"));
  BOOST_TEST(Contains(sum({0, 1}, {0}), "segment_ids and indices should have same size."));
  const Status huge = RunOp(node, {Floats({3, 0}, {}), Int32s({1}, {0}), Int32s({1}, {1 << 30})}, 1 << 20).status();
  BOOST_TEST(Contains(huge, "would take more than max_tensor_bytes"), huge);
}

BOOST_AUTO_TEST_CASE(segment_sum_sums_rows_of_sorted_segments) {
  const std::string node = R"pb(op: "SegmentSum"
                                attr {
                                  key: "T"
                                  value { type: DT_FLOAT }
                                }
                                attr {
                                  key: "Tindices"
                                  value { type: DT_INT32 }
                                })pb";
  const StatusOr<std::vector<Tensor>> out = RunOp(node, {Floats({3, 2}, {1, 2, 3, 4, 5, 6}), Int32s({3}, {0, 0, 3})});
  BOOST_TEST_REQUIRE(out.ok(), out.status());
  BOOST_TEST(Values<float>((*out)[0]) == (std::vector<float>{4, 6, 0, 0, 0, 0, 5, 6}),
             boost::test_tools::per_element());
  const Status unsorted = RunOp(node, {Floats({3, 2}, {1, 2, 3, 4, 5, 6}), Int32s({3}, {1, 0, 3})}).status();
  BOOST_TEST(Contains(unsorted, "segment ids are not increasing"), unsorted);
}

BOOST_AUTO_TEST_CASE(fill_repeats_the_scalar_and_logical_and_broadcasts) {
  const StatusOr<std::vector<Tensor>> filled = RunOp(R"pb(op: "Fill"
                                                          attr {
                                                            key: "T"
                                                            value { type: DT_INT32 }
                                                          })pb",
                                                     {Int32s({2}, {2, 3}), Int32s({}, {7})});
  BOOST_TEST_REQUIRE(filled.ok(), filled.status());
  BOOST_TEST((*filled)[0].shape() == (TensorShape{2, 3}), boost::test_tools::per_element());
  BOOST_TEST(Values<int32_t>((*filled)[0]) == std::vector<int32_t>(6, 7), boost::test_tools::per_element());
  const Status negative = RunOp(R"pb(op: "Fill"
                                     attr {
                                       key: "T"
                                       value { type: DT_INT32 }
                                     })pb",
                                {Int32s({2}, {2, -1}), Int32s({}, {7})})
                              .status();
  BOOST_TEST(Contains(negative, "Dimension -1 must be >= 0"), negative);
  const Tensor a = Tensor::FromVector<uint8_t>(DataType::kBool, {2, 2}, {1, 0, 1, 1});
  const Tensor b = Tensor::FromVector<uint8_t>(DataType::kBool, {2}, {1, 0});
  const StatusOr<std::vector<Tensor>> both = RunOp(R"pb(op: "LogicalAnd")pb", {a, b});
  BOOST_TEST_REQUIRE(both.ok(), both.status());
  BOOST_TEST(Values<uint8_t>((*both)[0]) == (std::vector<uint8_t>{1, 0, 1, 0}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(integer_add_and_mul_broadcast_and_wrap_around) {
  // A vocabulary's OOV ids: hash bucket + vocabulary size, int64.
  const StatusOr<std::vector<Tensor>> sum = RunOp(R"pb(op: "AddV2"
                                                       attr {
                                                         key: "T"
                                                         value { type: DT_INT64 }
                                                       })pb",
                                                  {Int64s({3}, {0, 1, 2}), Int64s({}, {3})});
  BOOST_TEST_REQUIRE(sum.ok(), sum.status());
  BOOST_TEST(Values<int64_t>((*sum)[0]) == (std::vector<int64_t>{3, 4, 5}), boost::test_tools::per_element());
  const StatusOr<std::vector<Tensor>> product = RunOp(R"pb(op: "Mul"
                                                           attr {
                                                             key: "T"
                                                             value { type: DT_INT32 }
                                                           })pb",
                                                      {Int32s({2}, {1 << 30, -3}), Int32s({}, {4})});
  BOOST_TEST_REQUIRE(product.ok(), product.status());
  BOOST_TEST(Values<int32_t>((*product)[0]) == (std::vector<int32_t>{0, -12}), boost::test_tools::per_element());
  const Status division = RunOp(R"pb(op: "RealDiv"
                                     attr {
                                       key: "T"
                                       value { type: DT_INT64 }
                                     })pb",
                                {Int64s({}, {1}), Int64s({}, {1})})
                              .status();
  BOOST_TEST(Contains(division, "No OpKernel was registered to support Op 'RealDiv'"), division);
}

BOOST_AUTO_TEST_CASE(a_table_of_int64_keys_and_string_values_names_the_class_ids) {
  // A classifier head's class names: index_to_string_table_from_tensor.
  const StatusOr<saved_model::LookupTable> table = saved_model::LookupTable::Import(
      DataType::kInt64, DataType::kString, Int64s({2}, {0, 1}), *Tensor::FromStrings({2}, {"Adelie", "Gentoo"}));
  BOOST_TEST_REQUIRE(table.ok(), table.status());
  const StatusOr<Tensor> names = table->Find(Int64s({3}, {1, 7, 0}), *Tensor::FromStrings({}, {"UNK"}));
  BOOST_TEST_REQUIRE(names.ok(), names.status());
  BOOST_TEST(names->strings() == (std::vector<std::string>{"Gentoo", "UNK", "Adelie"}),
             boost::test_tools::per_element());
  const Status ids_default = table->Find(Int64s({1}, {1}), Int64s({}, {-1})).status();
  BOOST_TEST(Contains(ids_default, "Value must be type string but got int64"), ids_default);
}

BOOST_AUTO_TEST_CASE(a_run_names_the_sparse_node_that_fails) {
  // y = SparseToDense(int64(x) as one index [a, b] per row, [2, 2], 1.0, 0.0):
  // an index past the shape fails the run naming the node.
  // clang-format off
  const std::string nodes = R"pb(
    node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "shape" value { shape { dim { size: -1 } dim { size: 2 } } } } }
    node { name: "ids" op: "Cast" input: "x" attr { key: "SrcT" value { type: DT_FLOAT } } attr { key: "DstT" value { type: DT_INT64 } } }
    node { name: "shape" op: "Const" attr { key: "value" value { tensor { dtype: DT_INT64 tensor_shape { dim { size: 2 } } int64_val: [ 2, 2 ] } } } }
    node { name: "one" op: "Const" attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { } float_val: 1 } } } }
    node { name: "zero" op: "Const" attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { } float_val: 0 } } } }
    node { name: "y" op: "SparseToDense" input: [ "ids", "shape", "one", "zero" ] attr { key: "T" value { type: DT_FLOAT } } attr { key: "Tindices" value { type: DT_INT64 } } }
  )pb";
  // clang-format on
  testing::TempDir dir;
  WriteModel(dir, nodes, "DT_FLOAT");
  const StatusOr<std::unique_ptr<SavedModel>> model = SavedModel::Load(dir.path(), {"serve"});
  BOOST_TEST_REQUIRE(model.ok(), model.status());
  std::map<std::string, Tensor> inputs;
  inputs["x"] = Floats({2, 2}, {0, 1, 1, 0});
  const StatusOr<std::map<std::string, Tensor>> y = (*model)->Run("predict", inputs);
  BOOST_TEST_REQUIRE(y.ok(), y.status());
  BOOST_TEST(Values<float>(y->at("y")) == (std::vector<float>{0, 1, 1, 0}), boost::test_tools::per_element());
  inputs["x"] = Floats({2, 2}, {0, 1, 1, 2});
  const Status past = (*model)->Run("predict", inputs).status();
  BOOST_TEST(Contains(past, "node 'y' (SparseToDense): indices[1] = [1,2] is out of bounds: need 0 <= index < [2,2]"),
             past);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(vocabulary_file)

// y = the ids of AsString(int64(x)) in the table the init op fills from the
// asset vocab.txt (a line's number is its id), -1 for a word it lacks.
// clang-format off
constexpr const char* kVocabularyNodes = R"pb(
  node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "shape" value { shape { dim { size: -1 } dim { size: 2 } } } } }
  node { name: "ids" op: "Cast" input: "x" attr { key: "SrcT" value { type: DT_FLOAT } } attr { key: "DstT" value { type: DT_INT64 } } }
  node { name: "words" op: "AsString" input: "ids" attr { key: "T" value { type: DT_INT64 } } }
  node { name: "table" op: "HashTableV2" attr { key: "key_dtype" value { type: DT_STRING } } attr { key: "value_dtype" value { type: DT_INT64 } } }
  node { name: "path" op: "Const" attr { key: "dtype" value { type: DT_STRING } } attr { key: "value" value { tensor { dtype: DT_STRING tensor_shape { } string_val: "/where/it/was/vocab.txt" } } } }
  node { name: "table_init" op: "InitializeTableFromTextFileV2" input: [ "table", "path" ] attr { key: "key_index" value { i: -2 } } attr { key: "value_index" value { i: -1 } } attr { key: "vocab_size" value { i: -1 } } }
  node { name: "group_deps" op: "NoOp" input: "^table_init" }
  node { name: "default" op: "Const" attr { key: "dtype" value { type: DT_INT64 } } attr { key: "value" value { tensor { dtype: DT_INT64 tensor_shape { } int64_val: -1 } } } }
  node { name: "y" op: "LookupTableFindV2" input: [ "table", "words", "default" ] attr { key: "Tin" value { type: DT_STRING } } attr { key: "Tout" value { type: DT_INT64 } } }
)pb";
// clang-format on

// The init op and the asset "path:0" -> `filename`.
std::string VocabularyAsset(const std::string& filename) {
  return "collection_def { key: \"saved_model_main_op\" value { node_list { value: \"group_deps\" } } } "
         "asset_file_def { tensor_info { name: \"path:0\" } filename: \"" +
         filename + "\" }";
}

BOOST_AUTO_TEST_CASE(a_table_from_an_asset_file_gives_each_line_its_number) {
  testing::TempDir dir;
  WriteModel(dir, kVocabularyNodes, "DT_INT64", VocabularyAsset("vocab.txt"));
  boost::filesystem::create_directory(dir.file("assets"));
  testing::WriteAll(dir.file("assets/vocab.txt"), "1\r\n3\n2\n");
  const StatusOr<std::unique_ptr<SavedModel>> model = SavedModel::Load(dir.path(), {"serve"});
  BOOST_TEST_REQUIRE(model.ok(), model.status());
  std::map<std::string, Tensor> inputs;
  inputs["x"] = Floats({2, 2}, {1, 2, 3, 5});
  const StatusOr<std::map<std::string, Tensor>> y = (*model)->Run("predict", inputs);
  BOOST_TEST_REQUIRE(y.ok(), y.status());
  BOOST_TEST(Values<int64_t>(y->at("y")) == (std::vector<int64_t>{0, 2, 1, -1}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_bad_asset_name_or_line_fails_load_naming_the_init_node) {
  testing::TempDir outside;
  WriteModel(outside, kVocabularyNodes, "DT_INT64", VocabularyAsset("../vocab.txt"));
  const Status escaping = SavedModel::Load(outside.path(), {"serve"}).status();
  BOOST_TEST(Contains(escaping,
                      "init op node 'table_init' (InitializeTableFromTextFileV2): asset '../vocab.txt' of "
                      "tensor 'path:0' is not a file name"),
             escaping);
  testing::TempDir empty_line;
  WriteModel(empty_line, kVocabularyNodes, "DT_INT64", VocabularyAsset("vocab.txt"));
  boost::filesystem::create_directory(empty_line.file("assets"));
  testing::WriteAll(empty_line.file("assets/vocab.txt"), "1\n\n2\n");
  const Status empty = SavedModel::Load(empty_line.path(), {"serve"}).status();
  BOOST_TEST(Contains(empty, ": empty line found at position 1."), empty);
  testing::TempDir no_asset;
  WriteModel(no_asset, kVocabularyNodes, "DT_INT64",
             "collection_def { key: \"saved_model_main_op\" value { node_list { value: \"group_deps\" } } }");
  const Status unlisted = SavedModel::Load(no_asset.path(), {"serve"}).status();
  BOOST_TEST(Contains(unlisted, "the file name 'path:0' is no asset of the SavedModel"), unlisted);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
