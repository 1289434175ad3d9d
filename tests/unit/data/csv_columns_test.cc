// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/data/csv_columns.h"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "tfcompat/base/status_macros.h"

namespace tfcompat::data {
namespace {

template <typename T>
std::vector<T> Values(const ParsedFeatures& parsed, const std::string& name) {
  const std::span<const T> flat = parsed.dense.at(name).flat<T>();
  return {flat.begin(), flat.end()};
}

const std::vector<std::string>& Strings(const ParsedFeatures& parsed, const std::string& name) {
  return parsed.dense.at(name).strings();
}

void CheckError(std::string_view csv, const CsvColumnsOptions& options, const std::string& message) {
  const StatusOr<ParsedFeatures> parsed = ParseCsvColumns(csv, "f.csv", options);
  BOOST_REQUIRE(!parsed.ok());
  BOOST_TEST((parsed.status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST(parsed.status().message() == message);
}

// One float column read from `field` (its default 9), or the error.
StatusOr<float> OneFloat(const std::string& field) {
  CsvColumnsOptions options{.record_defaults = {CsvColumn::Float(9)}};
  TFCOMPAT_ASSIGN_OR_RETURN(const ParsedFeatures parsed, ParseCsvColumns(field + "\n", "n.csv", options));
  return parsed.dense.at("0").flat<float>()[0];
}
StatusOr<double> OneDouble(const std::string& field) {
  CsvColumnsOptions options{.record_defaults = {CsvColumn::Double(9)}};
  TFCOMPAT_ASSIGN_OR_RETURN(const ParsedFeatures parsed, ParseCsvColumns(field + "\n", "n.csv", options));
  return parsed.dense.at("0").flat<double>()[0];
}
StatusOr<int64_t> OneInt64(const std::string& field) {
  CsvColumnsOptions options{.record_defaults = {CsvColumn::Int64(9)}};
  TFCOMPAT_ASSIGN_OR_RETURN(const ParsedFeatures parsed, ParseCsvColumns(field + "\n", "n.csv", options));
  return parsed.dense.at("0").flat<int64_t>()[0];
}

CsvColumnsOptions PeopleOptions() {
  return {.record_defaults = {CsvColumn::String("nobody"), CsvColumn::Int64(-1), CsvColumn::Float(0.5f),
                              CsvColumn::Required(DataType::kString)},
          .header = true,
          .na_value = "NA"};
}

BOOST_AUTO_TEST_SUITE(CsvColumnsTest)

BOOST_AUTO_TEST_CASE(DecodesTypedColumnsWithDefaultsForMissingFields) {
  const std::string csv =
      "name,age,score,city\r\n"
      "\"Smith, Ann\",42,1.25,\"Oslo\"\r\n"
      ",NA,,\" said \"\"hi\"\" \"\r\n"
      "Bo,-7,NA, Rome \n";
  const ParsedFeatures parsed = ParseCsvColumns(csv, "people.csv", PeopleOptions()).value();
  BOOST_TEST(parsed.batch_size == 3);
  BOOST_TEST(parsed.sparse.empty());
  BOOST_TEST(parsed.dense.size() == 4u);
  BOOST_TEST(Strings(parsed, "name") == std::vector<std::string>({"Smith, Ann", "nobody", "Bo"}));
  BOOST_TEST(Values<int64_t>(parsed, "age") == std::vector<int64_t>({42, -1, -7}));
  BOOST_TEST(Values<float>(parsed, "score") == std::vector<float>({1.25f, 0.5f, 0.5f}));
  // Unquoted and quoted strings keep their spaces, as decode_csv's do.
  BOOST_TEST(Strings(parsed, "city") == std::vector<std::string>({"Oslo", " said \"hi\" ", " Rome "}));
  BOOST_TEST((parsed.dense.at("age").dtype() == DataType::kInt64));
  BOOST_TEST(parsed.dense.at("age").shape() == TensorShape({3}));
}

BOOST_AUTO_TEST_CASE(EveryDtypeDecodes) {
  const CsvColumnsOptions options{.record_defaults = {CsvColumn::Float(0), CsvColumn::Double(0), CsvColumn::Int32(0),
                                                      CsvColumn::Int64(0), CsvColumn::String("")},
                                  .column_names = {"f", "d", "i", "l", "s"}};
  const ParsedFeatures parsed =
      ParseCsvColumns("0.1,0.1,-2147483648,9223372036854775807,x\n", "t.csv", options).value();
  BOOST_TEST(Values<float>(parsed, "f") == std::vector<float>({0.1f}));
  BOOST_TEST(Values<double>(parsed, "d") == std::vector<double>({0.1}));
  BOOST_TEST(Values<int32_t>(parsed, "i") == std::vector<int32_t>({std::numeric_limits<int32_t>::min()}));
  BOOST_TEST(Values<int64_t>(parsed, "l") == std::vector<int64_t>({std::numeric_limits<int64_t>::max()}));
  BOOST_TEST(Strings(parsed, "s") == std::vector<std::string>({"x"}));
}

BOOST_AUTO_TEST_CASE(RequiredMissingFieldIsTfsErrorWithFileLineAndColumn) {
  // A quoted empty field and na_value are missing too; records count from 0
  // after the header, lines from 1 where the record starts.
  CheckError("name,age,score,city\nA,1,2,x\nB,2,3,\"\"\n", PeopleOptions(),
             "f.csv:3: column 4 (city): Field 3 is required but missing in record 1!");
  CheckError("name,age,score,city\n\"multi\nline\",1,2,x\nB,2,3,NA\n", PeopleOptions(),
             "f.csv:4: column 4 (city): Field 3 is required but missing in record 1!");
}

BOOST_AUTO_TEST_CASE(BadNumbersAreTfsErrors) {
  CheckError("name,age,score,city\nA,4x,2,c\n", PeopleOptions(),
             "f.csv:2: column 2 (age): Field 1 in record 0 is not a valid int64: 4x");
  CheckError("name,age,score,city\nA,4,abc,c\n", PeopleOptions(),
             "f.csv:2: column 3 (score): Field 2 in record 0 is not a valid float: abc");
  CheckError("3000000000\n", {.record_defaults = {CsvColumn::Int32(0)}},
             "f.csv:1: column 1 (0): Field 0 in record 0 is not a valid int32: 3000000000");
  CheckError("1,x\n", {.record_defaults = {CsvColumn::Int32(0), CsvColumn::Double(0)}},
             "f.csv:1: column 2 (1): Field 1 in record 0 is not a valid double: x");
}

BOOST_AUTO_TEST_CASE(NumbersFollowTfsParsers) {
  BOOST_TEST(OneFloat(" 1.5\t").value() == 1.5f);
  BOOST_TEST(OneFloat("+1.5e+3").value() == 1500.0f);
  BOOST_TEST(OneFloat(".5").value() == 0.5f);
  BOOST_TEST(OneFloat("5.").value() == 5.0f);
  BOOST_TEST(OneFloat("-INF").value() == -std::numeric_limits<float>::infinity());
  BOOST_TEST(std::isnan(OneFloat("NaN").value()));
  BOOST_TEST(OneFloat("3.4028235e38").value() == std::numeric_limits<float>::max());
  BOOST_TEST(OneFloat("3.4028236e38").value() == std::numeric_limits<float>::infinity());
  BOOST_TEST(OneFloat("-1e99999999999").value() == -std::numeric_limits<float>::infinity());
  // Subnormal and underflowing floats are zero, keeping their sign.
  BOOST_TEST(OneFloat("1e-40").value() == 0.0f);
  BOOST_TEST(std::signbit(OneFloat("-1e-40").value()));
  BOOST_TEST(std::signbit(OneFloat("-1e-99999999999").value()));
  BOOST_TEST(OneDouble("4.9e-324").value() == std::numeric_limits<double>::denorm_min());
  BOOST_TEST(OneDouble("1e400").value() == std::numeric_limits<double>::infinity());
  BOOST_TEST(OneDouble("1.00000000000000000000000000000").value() == 1.0);  // 31 characters
  // Hex integers, rounded to nearest even.
  BOOST_TEST(OneFloat("-0X1a").value() == -26.0f);
  BOOST_TEST(OneFloat("0x1000001").value() == 16777216.0f);
  BOOST_TEST(OneDouble("0x1000001").value() == 16777217.0);
  for (const std::string bad : {"1.000000000000000000000000000000", "Infinity", "0x1p3", "0x1.8", "0x", "00x1", "0xg",
                                "1e", "1e+", ".", ".e5", "nan(1)", "1d", "1 2", " ", "e5", "--1", "- 1"}) {
    BOOST_TEST(!OneFloat(bad).ok(), bad);
    BOOST_TEST(!OneDouble(bad).ok(), bad);
  }
  BOOST_TEST(OneInt64(" 007 ").value() == 7);
  BOOST_TEST(OneInt64("-0").value() == 0);
  BOOST_TEST(OneInt64("-9223372036854775808").value() == std::numeric_limits<int64_t>::min());
  for (const std::string bad : {"+5", "- 5", "1.0", "9223372036854775808", "0x10", "1_0", " "}) {
    BOOST_TEST(!OneInt64(bad).ok(), bad);
  }
}

BOOST_AUTO_TEST_CASE(FieldCountAndQuotingErrorsNameTheLine) {
  const CsvColumnsOptions two{.record_defaults = {CsvColumn::Int64(0), CsvColumn::String("")}};
  CheckError("1,a\n2\n", two, "f.csv:2: Expect 2 fields but have 1 in record 1");
  CheckError("1,a\n2,b,c\n", two, "f.csv:2: Expect 2 fields but have 3 in record 1");
  CheckError("1,a\n\n", two, "f.csv:2: Expect 2 fields but have 0 in record 1");
  CheckError("1,a\"b\n", two, "f.csv:1: Unquoted fields cannot have quotes/CRLFs inside");
  CheckError("1,\"a\"b\"\n", two, "f.csv:1: Quote inside a string has to be escaped by another quote");
  CheckError("1,a\n2,\"open", two, "f.csv:2: Quoted field has to end with quote followed by delim or end");
  CheckError("1,a\r\r\n", two, "f.csv:1: Unquoted fields cannot have quotes/CRLFs inside");
}

BOOST_AUTO_TEST_CASE(TrailingDelimiterIsAnEmptyLastField) {
  const CsvColumnsOptions two{.record_defaults = {CsvColumn::Int64(0), CsvColumn::String("d")}};
  const ParsedFeatures parsed = ParseCsvColumns("1,\n2,\"\"", "t.csv", two).value();
  BOOST_TEST(Strings(parsed, "1") == std::vector<std::string>({"d", "d"}));
}

BOOST_AUTO_TEST_CASE(SelectColsReadsSomeColumnsAndTheirHeaderNames) {
  const CsvColumnsOptions options{
      .record_defaults = {CsvColumn::String(""), CsvColumn::Float(0)}, .select_cols = {1, 3}, .header = true};
  // Fields past the last selected one are not read.
  const ParsedFeatures parsed = ParseCsvColumns("a,b,c,d,e\n1,x,2,3.5\n4,y,5,6,extra,\"\n", "s.csv", options).value();
  BOOST_TEST(parsed.dense.size() == 2u);
  BOOST_TEST(Strings(parsed, "b") == std::vector<std::string>({"x", "y"}));
  BOOST_TEST(Values<float>(parsed, "d") == std::vector<float>({3.5f, 6.0f}));
  // "Field N" is the index among the selected columns; "column" the file's.
  CheckError("a,b,c,d\n1,x,2,\n",
             {.record_defaults = {CsvColumn::String(""), CsvColumn::Required(DataType::kFloat)},
              .select_cols = {1, 3},
              .header = true},
             "f.csv:2: column 4 (d): Field 1 is required but missing in record 0!");
  CheckError("a,b,c,d\n1,x\n", options, "f.csv:2: Expect 2 fields but have 1 in record 0");
  CheckError("a,b\n", options, "f.csv:1: header: Expect 2 fields but have 1 in record 0");
}

BOOST_AUTO_TEST_CASE(DelimiterAndQuoteOptions) {
  const ParsedFeatures semicolons =
      ParseCsvColumns("\"a;b\";2\n", "t.csv",
                      {.record_defaults = {CsvColumn::String(""), CsvColumn::Int32(0)}, .field_delim = ';'})
          .value();
  BOOST_TEST(Strings(semicolons, "0") == std::vector<std::string>({"a;b"}));
  BOOST_TEST(Values<int32_t>(semicolons, "1") == std::vector<int32_t>({2}));
  const ParsedFeatures unquoted =
      ParseCsvColumns("\"a\",b\"\n", "t.csv",
                      {.record_defaults = {CsvColumn::String(""), CsvColumn::String("")}, .use_quote_delim = false})
          .value();
  BOOST_TEST(Strings(unquoted, "0") == std::vector<std::string>({"\"a\""}));
  BOOST_TEST(Strings(unquoted, "1") == std::vector<std::string>({"b\""}));
}

BOOST_AUTO_TEST_CASE(EmptyFileGivesEmptyColumns) {
  const ParsedFeatures parsed =
      ParseCsvColumns("a,b\n", "e.csv",
                      {.record_defaults = {CsvColumn::Float(0), CsvColumn::String("")}, .header = true})
          .value();
  BOOST_TEST(parsed.batch_size == 0);
  BOOST_TEST(parsed.dense.at("a").shape() == TensorShape({0}));
  BOOST_TEST(parsed.dense.at("b").strings().empty());
}

BOOST_AUTO_TEST_CASE(OptionErrorsUseTfsWording) {
  CheckError("1\n", {}, "record_defaults is empty: there must be a column to read");
  CheckError("1\n", {.record_defaults = {CsvColumn::Required(DataType::kBool)}},
             "csv: data type bool not supported in field 0");
  CsvColumn two_defaults{.dtype = DataType::kInt32,
                         .default_value = Tensor::FromVector<int32_t>(DataType::kInt32, {2}, {0, 1})};
  CheckError("1,2\n", {.record_defaults = {CsvColumn::Int32(0), two_defaults}},
             "There should only be 1 default per field but field 1 has 2");
  CsvColumn wrong_type = CsvColumn::Int64(0);
  wrong_type.dtype = DataType::kFloat;
  CheckError("1\n", {.record_defaults = {wrong_type}}, "the default of field 0 is int64 but the field is float");
  const std::vector<CsvColumn> two{CsvColumn::Int32(0), CsvColumn::Int32(0)};
  CheckError("1,2,3\n", {.record_defaults = two, .select_cols = {2, 1}}, "select_cols is not strictly increasing.");
  CheckError("1,2,3\n", {.record_defaults = two, .select_cols = {-1, 1}}, "select_cols contains negative values.");
  CheckError("1,2,3\n", {.record_defaults = two, .select_cols = {1}},
             "Length of select_cols and record_defaults do not match.");
  CheckError("1,2\n", {.record_defaults = two, .column_names = {"x"}}, "1 column_names for 2 record_defaults");
  CheckError("1,2\n", {.record_defaults = two, .column_names = {"x", "x"}}, "column name 'x' appears more than once");
  CheckError("x,x\n1,2\n", {.record_defaults = two, .header = true},
             "f.csv:1: header: column name 'x' appears more than once");
  CheckError("1,2\n", {.record_defaults = two, .field_delim = '"'},
             "field_delim cannot be a line break, nor '\"' with use_quote_delim");
}

BOOST_AUTO_TEST_CASE(ColumnNamesReplaceTheHeader) {
  const ParsedFeatures parsed =
      ParseCsvColumns(
          "x,x\n1,2\n", "t.csv",
          {.record_defaults = {CsvColumn::Int32(0), CsvColumn::Int32(0)}, .column_names = {"p", "q"}, .header = true})
          .value();
  BOOST_TEST(Values<int32_t>(parsed, "q") == std::vector<int32_t>({2}));
}

BOOST_AUTO_TEST_CASE(ReadErrorNamesThePath) {
  const StatusOr<ParsedFeatures> parsed =
      ReadCsvColumns("/nonexistent/dir/people.csv", {.record_defaults = {CsvColumn::Float(0)}});
  BOOST_REQUIRE(!parsed.ok());
  BOOST_TEST(parsed.status().message().find("/nonexistent/dir/people.csv") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::data
