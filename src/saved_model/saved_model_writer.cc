// SPDX-License-Identifier: Apache-2.0
#include "saved_model/saved_model_writer.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "checkpoint/checkpoint_internal.h"
#include "io/export_dir.h"
#include "saved_model/graph_builder.h"
#include "tfcompat/base/status_macros.h"
#include "tfcompat/model/variables.h"
#include "tfcompat/tensorflow/saved_model.pb.h"
#include "tfcompat/tensorflow/variable.pb.h"

namespace tfcompat::saved_model {
namespace {

tensorflow::DataType ProtoType(DataType dtype) { return static_cast<tensorflow::DataType>(static_cast<int>(dtype)); }

std::string HandleName(const SavedVariable& v) { return v.partitioned ? v.name + "/part_0" : v.name; }

std::string InitialValueName(const SavedVariable& v) { return HandleName(v) + "/Initializer/zeros"; }

// The Saver's "<full shape> <slice>" spec ("4 10 0,4:0,10"); "" for a
// variable that is not partitioned.
std::string ShapeAndSlice(const SavedVariable& v) {
  if (!v.partitioned) return "";
  std::string shape, slice;
  for (const int64_t dim : v.shape) {
    shape += std::to_string(dim) + " ";
    slice += (slice.empty() ? "0," : ":0,") + std::to_string(dim);
  }
  return shape + slice;
}

tensorflow::TensorProto Zeros(const SavedVariable& v) {
  return v.dtype == DataType::kInt64 ? Int64Tensor(v.shape, {0}) : FloatTensor(v.shape, {0.0f});
}

void AddVariable(GraphBuilder& b, const SavedVariable& v) {
  const tensorflow::DataType dtype = ProtoType(v.dtype);
  const std::string handle = HandleName(v);
  const std::string zeros = b.Const(InitialValueName(v), Zeros(v));
  b.Op("VarHandleOp", handle).Type("dtype", dtype).Shape("shape", v.shape).String("shared_name", handle);
  b.Op("VarIsInitializedOp", handle + "/IsInitialized/VarIsInitializedOp", {handle});
  b.Op("AssignVariableOp", handle + "/Assign", {handle, zeros}).Type("dtype", dtype);
  b.Op("ReadVariableOp", handle + "/Read/ReadVariableOp", {handle}).Type("dtype", dtype);
  if (v.partitioned) {
    // The whole (one-partition) variable, which the model's ops read.
    b.Op("ReadVariableOp", v.name + "/ReadVariableOp", {handle}).Type("dtype", dtype);
    b.Op("Identity", v.name, {v.name + "/ReadVariableOp"}).Type("T", dtype);
  }
}

std::string VariableDefBytes(const SavedVariable& v) {
  tensorflow::VariableDef def;
  const std::string handle = HandleName(v);
  def.set_variable_name(handle + ":0");
  def.set_initial_value_name(InitialValueName(v) + ":0");
  def.set_initializer_name(handle + "/Assign");
  def.set_snapshot_name(handle + "/Read/ReadVariableOp:0");
  if (v.partitioned) {
    tensorflow::SaveSliceInfoDef* slice = def.mutable_save_slice_info_def();
    slice->set_full_name(v.name);
    for (const int64_t dim : v.shape) {
      slice->add_full_shape(dim);
      slice->add_var_offset(0);
      slice->add_var_shape(dim);
    }
  }
  def.set_is_resource(true);
  def.set_trainable(v.trainable);
  if (!v.trainable) def.set_aggregation(tensorflow::VARIABLE_AGGREGATION_ONLY_FIRST_REPLICA);
  return def.SerializeAsString();
}

// tf.compat.v1.train.Saver(sharded=True) of V2 checkpoints over `variables`,
// as TF names its ops. Returns the save tensor's name.
std::string AddSaver(GraphBuilder& b, std::vector<const SavedVariable*> variables) {
  std::sort(variables.begin(), variables.end(),
            [](const SavedVariable* x, const SavedVariable* y) { return x->name < y->name; });
  int identities = 0;
  const auto identity_name = [&identities] {
    const int k = identities++;
    return k == 0 ? std::string("save/Identity") : "save/Identity_" + std::to_string(k);
  };
  const std::string filename_input = b.Const("save/filename/input", StringTensor({}, {"model"}));
  const std::string filename = b.Op("PlaceholderWithDefault", "save/filename", {filename_input})
                                   .Type("dtype", tensorflow::DT_STRING)
                                   .Shape("shape", {})
                                   .name();
  const std::string prefix = b.Op("PlaceholderWithDefault", "save/Const", {filename})
                                 .Type("dtype", tensorflow::DT_STRING)
                                 .Shape("shape", {})
                                 .name();
  // The shard's temporary prefix: "<prefix>_temp/part" (".part" on S3).
  const std::string is_s3 =
      b.Op("StaticRegexFullMatch", "save/StaticRegexFullMatch", {prefix}).String("pattern", "^s3://.*").name();
  const std::string s3_suffix = b.Const("save/Const_1", StringTensor({}, {".part"}));
  const std::string suffix = b.Const("save/Const_2", StringTensor({}, {"_temp/part"}));
  const std::string select =
      b.Op("Select", "save/Select", {is_s3, s3_suffix, suffix}).Type("T", tensorflow::DT_STRING).name();
  const std::string joined = b.Op("StringJoin", "save/StringJoin", {prefix, select}).Int("N", 2).name();
  const std::string num_shards = b.Const("save/num_shards", Int32Tensor({}, {1}));
  const std::string shard = b.Const("save/ShardedFilename/shard", Int32Tensor({}, {0}));
  const std::string sharded = b.Op("ShardedFilename", "save/ShardedFilename", {joined, shard, num_shards}).name();

  std::vector<std::string> names, slices, values;
  std::vector<tensorflow::DataType> dtypes;
  for (const SavedVariable* v : variables) {
    names.push_back(v->name);
    slices.push_back(ShapeAndSlice(*v));
    dtypes.push_back(ProtoType(v->dtype));
    if (v->partitioned) {
      const std::string read = "save/Read_" + std::to_string(values.size()) + "/ReadVariableOp";
      b.Op("ReadVariableOp", read, {HandleName(*v)}).Type("dtype", dtypes.back());
      values.push_back(b.Op("Identity", identity_name(), {read}).Type("T", dtypes.back()).name());
    } else {
      values.push_back(HandleName(*v) + "/Read/ReadVariableOp");
    }
  }
  const int64_t n = static_cast<int64_t>(variables.size());
  const std::string save_names = b.Const("save/SaveV2/tensor_names", StringTensor({n}, names));
  const std::string save_slices = b.Const("save/SaveV2/shape_and_slices", StringTensor({n}, slices));
  std::vector<std::string> save_inputs = {sharded, save_names, save_slices};
  save_inputs.insert(save_inputs.end(), values.begin(), values.end());
  const std::string save = b.Op("SaveV2", "save/SaveV2", save_inputs).Types("dtypes", dtypes).name();
  const std::string saved =
      b.Op("Identity", "save/control_dependency", {sharded}).After(save).Type("T", tensorflow::DT_STRING).name();
  const std::string prefixes = b.Op("Pack", "save/MergeV2Checkpoints/checkpoint_prefixes", {sharded})
                                   .After(saved)
                                   .Int("N", 1)
                                   .Type("T", tensorflow::DT_STRING)
                                   .name();
  const std::string merge = b.Op("MergeV2Checkpoints", "save/MergeV2Checkpoints", {prefixes, prefix}).name();
  const std::string save_tensor =
      b.Op("Identity", identity_name(), {prefix}).After(merge).After(saved).Type("T", tensorflow::DT_STRING).name();

  const std::string restore_names = b.Const("save/RestoreV2/tensor_names", StringTensor({n}, names));
  const std::string restore_slices = b.Const("save/RestoreV2/shape_and_slices", StringTensor({n}, slices));
  const std::string restore =
      b.Op("RestoreV2", "save/RestoreV2", {prefix, restore_names, restore_slices}).Types("dtypes", dtypes).name();
  NodeBuilder restore_shard = b.Op("NoOp", "save/restore_shard");
  for (size_t i = 0; i < variables.size(); ++i) {
    const std::string value = b.Op("Identity", identity_name(), {i == 0 ? restore : restore + ":" + std::to_string(i)})
                                  .Type("T", dtypes[i])
                                  .name();
    const std::string assign =
        i == 0 ? std::string("save/AssignVariableOp") : "save/AssignVariableOp_" + std::to_string(i);
    b.Op("AssignVariableOp", assign, {HandleName(*variables[i]), value}).Type("dtype", dtypes[i]);
    restore_shard.After(assign);
  }
  b.Op("NoOp", "save/restore_all").After(restore_shard.name());
  return save_tensor;
}

StatusOr<std::string> SerializeDeterministically(const tensorflow::SavedModel& saved_model) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    if (!saved_model.SerializeToCodedStream(&coded)) return InternalError("cannot serialize the SavedModel");
  }
  return bytes;
}

// Fills the temp export directory `dir`.
Status WriteExportContents(Env* env, const std::string& dir, const std::string& saved_model_bytes,
                           std::span<const SavedVariable> variables) {
  TFCOMPAT_RETURN_IF_ERROR(env->RecursivelyCreateDir(JoinPath(dir, "variables")));
  const std::string prefix = JoinPath(JoinPath(dir, "variables"), "variables");
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<BundleWriter> bundle,
                            CheckpointAccess::NewBundleWriter(env, prefix, BundleWriter::Options()));
  for (const SavedVariable& v : variables)
    TFCOMPAT_RETURN_IF_ERROR(bundle->AddBytes(v.name, v.dtype, v.shape, v.bytes));
  TFCOMPAT_RETURN_IF_ERROR(bundle->Finish());
  return WriteSyncedFile(env, JoinPath(dir, "saved_model.pb"), saved_model_bytes);
}

}  // namespace

std::string ValueTensor(const SavedVariable& variable) {
  return variable.partitioned ? variable.name : variable.name + "/Read/ReadVariableOp";
}

void AddVariablesAndSaver(std::span<const SavedVariable> variables, tensorflow::MetaGraphDef* meta_graph) {
  GraphBuilder b(meta_graph->mutable_graph_def());
  auto& collections = *meta_graph->mutable_collection_def();
  std::vector<const SavedVariable*> all;
  for (const SavedVariable& v : variables) {
    AddVariable(b, v);
    all.push_back(&v);
    const std::string def = VariableDefBytes(v);
    collections["variables"].mutable_bytes_list()->add_value(def);
    if (v.trainable) collections["trainable_variables"].mutable_bytes_list()->add_value(def);
    if (!v.trainable && v.name == model::kGlobalStepName) {
      collections["global_step"].mutable_bytes_list()->add_value(def);
    }
  }
  const std::string save_tensor = AddSaver(b, std::move(all));
  tensorflow::SaverDef* saver = meta_graph->mutable_saver_def();
  saver->set_filename_tensor_name("save/Const:0");
  saver->set_save_tensor_name(save_tensor + ":0");
  saver->set_restore_op_name("save/restore_all");
  // Estimator's Scaffold Saver: max_to_keep 5, sharded, V2.
  saver->set_max_to_keep(5);
  saver->set_sharded(true);
  saver->set_keep_checkpoint_every_n_hours(10000.0f);
  saver->set_version(tensorflow::SaverDef::V2);
}

void AddMainOp(tensorflow::MetaGraphDef* meta_graph) {
  GraphBuilder b(meta_graph->mutable_graph_def());
  b.Op("NoOp", "init");
  b.Op("NoOp", "init_all_tables");
  b.Op("NoOp", "init_1");
  b.Op("NoOp", "group_deps").After("init").After("init_1").After("init_all_tables");
  (*meta_graph->mutable_collection_def())["saved_model_main_op"].mutable_node_list()->add_value("group_deps");
}

StatusOr<std::string> WriteSavedModel(Env* env, const std::string& export_dir_base,
                                      const tensorflow::MetaGraphDef& meta_graph,
                                      std::span<const SavedVariable> variables) {
  tensorflow::SavedModel saved_model;
  saved_model.set_saved_model_schema_version(1);
  *saved_model.add_meta_graphs() = meta_graph;
  TFCOMPAT_ASSIGN_OR_RETURN(const std::string bytes, SerializeDeterministically(saved_model));
  return WriteExportDir(env, export_dir_base,
                        [&](const std::string& dir) { return WriteExportContents(env, dir, bytes, variables); });
}

}  // namespace tfcompat::saved_model
