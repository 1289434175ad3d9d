// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/data/csv_input.h"

#include <boost/test/unit_test.hpp>
#include <new>
#include <set>
#include <string>
#include <vector>

#include "util/child_process.h"
#include "util/iris.h"

namespace tfcompat::data {
namespace {

void CheckError(const std::string& csv, const CsvOptions& options, const std::string& message) {
  const StatusOr<Dataset> d = ParseCsvDataset(csv, "f.csv", options);
  BOOST_REQUIRE(!d.ok());
  BOOST_TEST((d.status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST(d.status().message() == message);
}

BOOST_AUTO_TEST_SUITE(CsvInputTest)

BOOST_AUTO_TEST_CASE(ParsesTfIrisLayout) {
  const CsvOptions options = testing::IrisCsvOptions();
  const Dataset d =
      ParseCsvDataset("2,4,setosa,versicolor,virginica\r\n6.4,2.8,5.6,2.2,2\r\n5,2.3,3.3,1,1\r\n", "iris.csv", options)
          .value();
  BOOST_TEST(d.num_rows() == 2);
  BOOST_TEST(*d.feature_names == testing::kIrisFeatures);
  BOOST_TEST(d.class_names == std::vector<std::string>({"setosa", "versicolor", "virginica"}));
  BOOST_TEST(d.features == std::vector<float>({6.4f, 2.8f, 5.6f, 2.2f, 5.0f, 2.3f, 3.3f, 1.0f}));
  BOOST_TEST(d.labels == std::vector<float>({2.0f, 1.0f}));
}

BOOST_AUTO_TEST_CASE(ReadsTheRepositoryIrisFiles) {
  BOOST_TEST(testing::ReadIris("iris_training.csv")->num_rows() == 120);
  BOOST_TEST(testing::ReadIris("iris_test.csv")->num_rows() == 30);
}

BOOST_AUTO_TEST_CASE(ParsesHeaderRowLayoutWithNamedLabelColumn) {
  CsvOptions options;
  options.label_column = "y";
  const Dataset d = ParseCsvDataset("a,y,b\n1,0.5,2\n3,-1.5,4\n", "r.csv", options).value();
  BOOST_TEST(*d.feature_names == std::vector<std::string>({"a", "b"}));
  BOOST_TEST(d.features == std::vector<float>({1, 2, 3, 4}));
  BOOST_TEST(d.labels == std::vector<float>({0.5f, -1.5f}));
}

BOOST_AUTO_TEST_CASE(LabelVocabularyMapsNamesToIds) {
  CsvOptions options;
  options.label_vocabulary = {"no", "yes"};
  const Dataset d = ParseCsvDataset("x,label\n1,yes\n2,no\n", "v.csv", options).value();
  BOOST_TEST(d.labels == std::vector<float>({1.0f, 0.0f}));
  CheckError("x,label\n1,maybe\n", options, "f.csv:2: column 2 (label): 'maybe' is not in label_vocabulary");
}

BOOST_AUTO_TEST_CASE(EmptyFileIsAnError) {
  CheckError("", {}, "f.csv: empty file, expected a header line");
  CheckError("\n  \n", {}, "f.csv: empty file, expected a header line");
  CheckError("a,b\n", {}, "f.csv: no data rows");
}

BOOST_AUTO_TEST_CASE(WrongColumnCountNamesLine) {
  CheckError("2,4,a,b,c\n1,2,3,4,0\n1,2,3,0\n", {}, "f.csv:3: expected 5 columns, found 4");
}

BOOST_AUTO_TEST_CASE(NotANumberNamesLineAndColumn) {
  const CsvOptions options = testing::IrisCsvOptions();
  CheckError("1,4,a,b,c\n\n1,2,abc,4,0\n", options, "f.csv:3: column 3 (PetalLength): expected a number, got 'abc'");
  CheckError("1,4,a,b,c\n1,2,,4,0\n", options, "f.csv:2: column 3 (PetalLength): expected a number, got ''");
  CheckError("1,4,a,b,c\n1,2,nan,4,0\n", options, "f.csv:2: column 3 (PetalLength): expected a number, got 'nan'");
}

BOOST_AUTO_TEST_CASE(LabelOutOfRangeNamesLineAndColumn) {
  CheckError("1,2,a,b,c\n1,2,3\n", {}, "f.csv:2: column 3 (label): class id 3 is out of range [0, 3)");
  CheckError("1,2,a,b,c\n1,2,-1\n", {}, "f.csv:2: column 3 (label): class id -1 is out of range [0, 3)");
  CheckError("1,2,a,b,c\n1,2,1.5\n", {}, "f.csv:2: column 3 (label): expected a class id, got '1.5'");
}

BOOST_AUTO_TEST_CASE(RowCountMustMatchTfHeader) {
  CheckError("3,1,a,b\n1,0\n2,1\n", {}, "f.csv: header says 3 rows, found 2");
}

BOOST_AUTO_TEST_CASE(BadTfHeaderIsAnError) {
  CsvOptions options;
  options.layout = CsvLayout::kTfHeader;
  CheckError("x,y\n1,2\n", options, "f.csv:1: expected a header 'rows,features[,class names...]'");
  CheckError("1,2\n1,2,0\n", {}, "f.csv:1: header names no classes and n_classes is not set");
}

// Seen while writing csv_fuzzer (whose malloc limit then reported it): a
// header claiming 100000 features made the reader reserve features for
// every line before reading one (13 GB for this 64 KB file). In a child limited to 4 GiB of address space the parse
// must fail cleanly instead of throwing std::bad_alloc. (Sanitizer builds reserve terabytes of shadow memory, so there
// the fuzz seed tests/fuzz/corpus/csv_fuzzer/wide_header_many_lines covers it.)
#if !defined(__SANITIZE_ADDRESS__)
BOOST_AUTO_TEST_CASE(WideHeaderDoesNotReserveBeyondTheText) {
  std::string csv = "1,100000,a\n";
  while (csv.size() < 65536) csv += "x\n";
  const testing::ChildExit child = testing::RunInChild(
      [&] {
        try {
          const StatusOr<Dataset> d = ParseCsvDataset(csv, "f.csv", {});
          return !d.ok() && d.status().message() == "f.csv:2: expected 100001 columns, found 1" ? 0 : 11;
        } catch (const std::bad_alloc&) {
          return 12;
        }
      },
      {.max_address_space = rlim_t{4} << 30});
  BOOST_TEST(child.ExitedWith(0), child.Describe());
}
#endif

BOOST_AUTO_TEST_CASE(MissingLabelColumnIsAnError) {
  CsvOptions options;
  options.label_column = "Species";
  CheckError("a,b\n1,2\n", options, "f.csv:1: no label column 'Species' in the header (a, b)");
}

BOOST_AUTO_TEST_CASE(FeatureNamesPickColumnsByNameInAnyOrder) {
  CsvOptions options;
  options.label_column = "y";
  options.feature_names = {"c", "a"};
  const Dataset d = ParseCsvDataset("a,b,y,c\n1,x,0.5,3\n4,y,-1,6\n", "p.csv", options).value();
  BOOST_TEST(*d.feature_names == std::vector<std::string>({"c", "a"}));
  BOOST_TEST(d.features == std::vector<float>({3, 1, 6, 4}));
  BOOST_TEST(d.labels == std::vector<float>({0.5f, -1.0f}));
  BOOST_TEST(d.label_column == "y");
  options.feature_names = {"a", "d"};
  CheckError("a,b,y,c\n1,2,3,4\n", options, "f.csv:1: no feature column 'd' in the header (a, b, y, c)");
  options.feature_names = {"a", "y"};
  CheckError("a,b,y,c\n1,2,3,4\n", options, "f.csv:1: column 'y' is the label");
  options.feature_names = {"a"};
  CheckError("a,y,a\n1,2,3\n", options, "f.csv:1: the header names column 'a' more than once");
  options.feature_names = {};
  CheckError("y\n1\n", options, "f.csv:1: the header names no feature column");
}

// Seen by fuzzing: a header whose last name is empty ("a,") lost its label
// column, so the rows had no labels. The default label is the last column
// by position, whatever its name.
BOOST_AUTO_TEST_CASE(DefaultLabelIsTheLastColumnWhateverItsName) {
  const Dataset d = ParseCsvDataset("a,\n1,2\n3,4\n", "e.csv", {}).value();
  BOOST_TEST(*d.feature_names == std::vector<std::string>({"a"}));
  BOOST_TEST(d.labels == std::vector<float>({2, 4}));
  BOOST_TEST(ParseCsvDataset("x,y,x\n1,2,3\n", "e.csv", {}).status().message() ==
             "e.csv:1: the header names column 'x' more than once");
}

BOOST_AUTO_TEST_CASE(QuotedFieldsHoldCommasQuotesAndLineBreaks) {
  CsvOptions options;
  options.label_vocabulary = {"Iris \"setosa\", the small", "other"};
  options.label_column = "species, quoted";
  options.feature_names = {"x", "z"};
  const std::string csv =
      "x,\"species, quoted\",note,\"z\"\r\n"
      "1, \"Iris \"\"setosa\"\", the small\" ,\"two\nlines, and \"\"quotes\"\"\",\"2.5\"\r\n"
      "\n"
      "3,other,\"\",4\n";
  const Dataset d = ParseCsvDataset(csv, "q.csv", options).value();
  BOOST_TEST(d.features == std::vector<float>({1, 2.5f, 3, 4}));
  BOOST_TEST(d.labels == std::vector<float>({0, 1}));
  BOOST_TEST(d.label_column == "species, quoted");
  // Lines count the break inside quotes: a row added after them is on line 6.
  CheckError(csv + "5,other,x,bad\n", options, "f.csv:6: column 4 (z): expected a number, got 'bad'");
  CheckError("x,y\n1,\"2\n", {}, "f.csv:2: column 2: a quoted field is not closed before the end of the file");
  CheckError("x,y\n1,\"2\"3\n", {}, "f.csv:2: column 2: unexpected '3' after the closing quote of a field");
}

BOOST_AUTO_TEST_CASE(UnknownLabelNamesFileLineColumnAndValue) {
  CsvOptions options;
  options.label_column = "Species";
  options.label_vocabulary = {"setosa", "virginica"};
  CheckError("Species,x\nsetosa,1\n\"daisy\",2\n", options,
             "f.csv:3: column 1 (Species): 'daisy' is not in label_vocabulary");
}

BOOST_AUTO_TEST_CASE(UnlabelledReadSkipsTheLabelColumn) {
  CsvOptions options;
  options.labelled = false;
  options.label_column = "Species";
  options.feature_names = {"b", "a"};
  // An ordinary header: the label column, wherever it is, is skipped.
  Dataset d = ParseCsvDataset("a,Species,b\n1,setosa,2\n3,\"?\",4\n", "p.csv", options).value();
  BOOST_TEST(d.features == std::vector<float>({2, 1, 4, 3}));
  BOOST_TEST(d.labels.empty());
  BOOST_TEST(d.num_rows() == 2);
  // ... or absent.
  d = ParseCsvDataset("a,b\n1,2\n", "p.csv", options).value();
  BOOST_TEST(d.features == std::vector<float>({2, 1}));
  // TF's layout and rows only: the features come first, a label may follow.
  options.feature_names = {"a", "b"};
  d = ParseCsvDataset("2,2,x,y\n1,2,0\n3,4\n", "p.csv", options).value();
  BOOST_TEST(d.features == std::vector<float>({1, 2, 3, 4}));
  d = ParseCsvDataset("1.5,2\n3,4,1\n", "p.csv", options).value();
  BOOST_TEST(d.features == std::vector<float>({1.5f, 2, 3, 4}));
  CheckError("1.5,2\n3\n", options, "f.csv:2: expected 2 or 3 columns, found 1");
  // Batches of it carry no labels.
  auto batches =
      DatasetBatches::Create(std::make_shared<const Dataset>(d), {.batch_size = 2, .shuffle = false}).value();
  Batch batch;
  BOOST_REQUIRE(batches->Next(&batch).ok());
  BOOST_TEST(batch.size == 2);
  BOOST_TEST(batch.labels.empty());
}

BOOST_AUTO_TEST_CASE(RowsWithoutHeaderHaveTheLabelLast) {
  CsvOptions options;
  options.n_classes = 2;
  // A first row of numbers that is not TF's header (whose first field
  // counts the rows after it).
  const Dataset d = ParseCsvDataset("5,3,1,0\n6,3,4,1\n", "r.csv", options).value();
  BOOST_TEST(*d.feature_names == std::vector<std::string>({"x0", "x1", "x2"}));
  BOOST_TEST(d.features == std::vector<float>({5, 3, 1, 6, 3, 4}));
  BOOST_TEST(d.labels == std::vector<float>({0, 1}));
  // "1,2" before one row is TF's header: one row, two features.
  BOOST_TEST(ParseCsvDataset("1,2\n7,8,1\n", "t.csv", options).value().features == std::vector<float>({7, 8}));
}

BOOST_AUTO_TEST_CASE(TfHeaderLabelsAreIdsOfTheVocabulary) {
  CsvOptions options;
  options.label_vocabulary = {"setosa", "versicolor", "virginica"};
  const Dataset d = ParseCsvDataset("1,1,setosa,versicolor,virginica\n5,2\n", "t.csv", options).value();
  BOOST_TEST(d.labels == std::vector<float>({2}));
  BOOST_TEST(d.class_names == options.label_vocabulary);
  CheckError("1,1,a,b,c\n5,2\n", options,
             "f.csv:1: the header names the classes a,b,c, the label vocabulary is setosa,versicolor,virginica");
}

BOOST_AUTO_TEST_CASE(RegressionLabelsAreNumbersInEveryLayout) {
  CsvOptions options;
  options.regression = true;
  BOOST_TEST(ParseCsvDataset("1,1,a,b\n5,2.5\n", "t.csv", options).value().labels == std::vector<float>({2.5f}));
  BOOST_TEST(ParseCsvDataset("x,y\n5,-2.5\n", "t.csv", options).value().labels == std::vector<float>({-2.5f}));
  options.n_classes = 3;
  CheckError("x,y\n5,2\n", options, "regression labels take neither n_classes nor label_vocabulary");
}

BOOST_AUTO_TEST_CASE(LabelColumnIsIgnoredWithoutColumnNames) {
  CsvOptions options = testing::IrisCsvOptions();
  options.label_column = "Species";
  BOOST_TEST(ParseCsvDataset("1,4,a,b,c\n1,2,3,4,2\n", "t.csv", options).value().labels == std::vector<float>({2}));
}

std::shared_ptr<const Dataset> Rows(int n) {
  auto d = std::make_shared<Dataset>();
  d->feature_names = std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"x"});
  for (int i = 0; i < n; ++i) {
    d->features.push_back(static_cast<float>(i));
    d->labels.push_back(static_cast<float>(i % 2));
  }
  return d;
}

BOOST_AUTO_TEST_CASE(BatchesWithoutShuffleAreInOrderAndLastIsPartial) {
  auto batches =
      DatasetBatches::Create(Rows(5), {.batch_size = 2, .shuffle = false, .seed = 0, .num_epochs = 1}).value();
  Batch b;
  BOOST_REQUIRE(batches->Next(&b).ok());
  BOOST_TEST(b.features == std::vector<float>({0, 1}));
  BOOST_REQUIRE(batches->Next(&b).ok());
  BOOST_REQUIRE(batches->Next(&b).ok());
  BOOST_TEST(b.size == 1);
  BOOST_TEST(b.features == std::vector<float>({4}));
  BOOST_TEST((batches->Next(&b).code() == StatusCode::kOutOfRange));
  BOOST_TEST((batches->Next(&b).code() == StatusCode::kOutOfRange));
}

BOOST_AUTO_TEST_CASE(RepeatSpansEpochsAndShuffleIsAPermutationPerEpoch) {
  auto batches =
      DatasetBatches::Create(Rows(10), {.batch_size = 4, .shuffle = true, .seed = 7, .num_epochs = 0}).value();
  std::vector<float> seen;
  Batch b;
  for (int i = 0; i < 5; ++i) {
    BOOST_REQUIRE(batches->Next(&b).ok());
    BOOST_TEST(b.size == 4);
    seen.insert(seen.end(), b.features.begin(), b.features.end());
  }
  const std::set<float> first(seen.begin(), seen.begin() + 10), second(seen.begin() + 10, seen.end());
  BOOST_TEST(first.size() == 10u);
  BOOST_TEST(second.size() == 10u);
  BOOST_TEST(!std::equal(seen.begin(), seen.begin() + 10, seen.begin() + 10));  // reshuffled
  std::vector<float> sorted(seen.begin(), seen.begin() + 10);
  BOOST_TEST(!std::is_sorted(sorted.begin(), sorted.end()));
}

BOOST_AUTO_TEST_CASE(ShuffleIsDeterministicForASeed) {
  Batch a, b;
  auto x = DatasetBatches::Create(Rows(50), {.batch_size = 50, .shuffle = true, .seed = 3, .num_epochs = 1}).value();
  auto y = DatasetBatches::Create(Rows(50), {.batch_size = 50, .shuffle = true, .seed = 3, .num_epochs = 1}).value();
  auto z = DatasetBatches::Create(Rows(50), {.batch_size = 50, .shuffle = true, .seed = 4, .num_epochs = 1}).value();
  BOOST_REQUIRE(x->Next(&a).ok());
  BOOST_REQUIRE(y->Next(&b).ok());
  BOOST_TEST(a.features == b.features);
  BOOST_REQUIRE(z->Next(&b).ok());
  BOOST_TEST(a.features != b.features);
}

BOOST_AUTO_TEST_CASE(BadBatchOptionsAreInvalidArgument) {
  BOOST_TEST((DatasetBatches::Create(Rows(3), {.batch_size = 0}).status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST((DatasetBatches::Create(Rows(0), {}).status().code() == StatusCode::kInvalidArgument));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::data
