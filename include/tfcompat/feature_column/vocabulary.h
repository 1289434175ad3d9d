// SPDX-License-Identifier: Apache-2.0
// The vocabulary of a categorical_column_with_vocabulary_list or
// _with_vocabulary_file: each key's id is its position (the line number of a
// file, from 0), as TensorFlow's lookup tables give it.
//
// A vocabulary file is read as TensorFlow's TextFileLineIterator reads it
// (index_table_from_file with the whole line as key):
//   - lines end at '\n'; one trailing '\r' is dropped; a last line without
//     '\n' counts unless empty;
//   - with a vocabulary_size, only that many lines are read and a shorter
//     file is an error ("Invalid vocab_size in FILE: expected N but got M");
//     without one, the size is the file's line count as Python counts it
//     (every '\n'-ended line, and a non-empty last line);
//   - an empty line is an error ("Invalid content in FILE: empty line found
//     at position P.", P the byte offset after that line);
//   - int64 keys are parsed as TensorFlow's safe_strto64 parses them:
//     optional spaces, an optional '-', digits, optional spaces
//     ("Field x in line 2 is not a valid int64.", lines counted from 0);
//   - a repeated key is FAILED_PRECONDITION, with TensorFlow's "HashTable has
//     different value for same key. Key a has 0 and trying to add value 2".
// Every error starts with the column's name.
//
// Usage:
//   TFCOMPAT_ASSIGN_OR_RETURN(Vocabulary vocab,
//                             Vocabulary::FromFile("island", "island.txt", std::nullopt, KeyType::kString));
//   std::optional<int64_t> id = vocab.Find("Dream");
#ifndef TFCOMPAT_FEATURE_COLUMN_VOCABULARY_H_
#define TFCOMPAT_FEATURE_COLUMN_VOCABULARY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tfcompat/base/status.h"

namespace tfcompat::feature_column {

// The type of a categorical column's raw values (and of its vocabulary).
enum class KeyType { kString, kInt64 };

class Vocabulary {
 public:
  // From a list; INVALID_ARGUMENT when it is empty or repeats a key.
  static StatusOr<Vocabulary> FromList(std::string_view column, const std::vector<std::string>& keys);
  static StatusOr<Vocabulary> FromList(std::string_view column, const std::vector<int64_t>& keys);
  // From a text file, one key per line (see the file comment).
  static StatusOr<Vocabulary> FromFile(std::string_view column, const std::string& path,
                                       std::optional<int64_t> vocabulary_size, KeyType type);

  KeyType type() const { return type_; }
  // The number of keys: where the out-of-vocabulary buckets start.
  int64_t size() const { return size_; }
  // The id of a key, or nullopt when it is out of the vocabulary (always
  // nullopt for a key of the other type).
  std::optional<int64_t> Find(std::string_view key) const;
  std::optional<int64_t> Find(int64_t key) const;

  // The keys in id order (empty for the other type).
  std::vector<std::string> StringKeys() const;
  std::vector<int64_t> Int64Keys() const;

 private:
  explicit Vocabulary(KeyType type) : type_(type) {}

  // Lets Find look a string_view up without copying it.
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const { return std::hash<std::string_view>()(key); }
  };

  KeyType type_;
  int64_t size_ = 0;
  std::unordered_map<std::string, int64_t, StringHash, std::equal_to<>> strings_;
  std::unordered_map<int64_t, int64_t> ints_;
};

// TensorFlow's strings::safe_strto64, which reads an int64 vocabulary line:
// true and *value when `text` (up to a NUL, as a C string) is an int64.
bool ParseInt64(std::string_view text, int64_t* value);

}  // namespace tfcompat::feature_column

#endif  // TFCOMPAT_FEATURE_COLUMN_VOCABULARY_H_
