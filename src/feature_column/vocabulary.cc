// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/feature_column/vocabulary.h"

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <limits>
#include <utility>

namespace tfcompat::feature_column {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

std::string Prefix(std::string_view column) { return "column '" + std::string(column) + "': "; }

// The lines of a vocabulary file as TensorFlow's InputBuffer::ReadLine gives
// them, with the byte offset just past each, and the line count Python's
// `sum(1 for _ in open(path, 'rb'))` gives (vocabulary_size's default).
struct FileLines {
  std::vector<std::string> lines;
  std::vector<int64_t> end_offsets;
  int64_t python_count = 0;
};

// The largest vocabulary file read: a bound on the memory a file (or a
// device such as /dev/zero named by mistake) can take.
constexpr int64_t kMaxVocabularyFileBytes = int64_t{1} << 30;

StatusOr<FileLines> ReadLines(std::string_view column, const std::string& path) {
  // Checked before opening: opening a FIFO would wait for a writer.
  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::status(path, error);
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    return InvalidArgumentError(Prefix(column) + "vocabulary file " + path + " is not a regular file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return ErrnoToStatus(errno, Prefix(column) + "vocabulary file " + path);
  FileLines file;
  int64_t offset = 0;
  std::string line;
  while (std::getline(in, line)) {
    const bool ended = !in.eof();  // the line ended at '\n', not at the end of the file
    offset += static_cast<int64_t>(line.size()) + (ended ? 1 : 0);
    if (offset > kMaxVocabularyFileBytes) {
      return InvalidArgumentError(Prefix(column) + "vocabulary file " + path + " is larger than " +
                                  std::to_string(kMaxVocabularyFileBytes) + " bytes");
    }
    ++file.python_count;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // ReadLine reports the end of the file for a last line that is empty
    // once its '\r' is dropped.
    if (!ended && line.empty()) break;
    file.lines.push_back(std::move(line));
    file.end_offsets.push_back(offset);
  }
  if (in.bad()) return DataLossError(Prefix(column) + "vocabulary file " + path + ": read error");
  return file;
}

template <typename Key, typename Map>
Status Insert(std::string_view column, std::string_view where, Key key, const std::string& key_text, int64_t id,
              Map* map) {
  auto [it, inserted] = map->emplace(std::move(key), id);
  if (inserted) return OkStatus();
  return FailedPreconditionError(Prefix(column) + std::string(where) +
                                 "HashTable has different value for same key. Key " + key_text + " has " +
                                 std::to_string(it->second) + " and trying to add value " + std::to_string(id));
}

}  // namespace

bool ParseInt64(std::string_view text, int64_t* value) {
  text = text.substr(0, text.find('\0'));
  size_t i = 0;
  while (i < text.size() && IsSpace(text[i])) ++i;
  const bool negative = i < text.size() && text[i] == '-';
  if (negative) ++i;
  if (i == text.size() || text[i] < '0' || text[i] > '9') return false;
  // The magnitude, up to 2^63 for a negative value and 2^63 - 1 otherwise.
  const uint64_t limit = static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + (negative ? 1 : 0);
  uint64_t magnitude = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    const auto digit = static_cast<uint64_t>(text[i] - '0');
    if (magnitude > (limit - digit) / 10) return false;
    magnitude = magnitude * 10 + digit;
  }
  while (i < text.size() && IsSpace(text[i])) ++i;
  if (i != text.size()) return false;
  *value = negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
  return true;
}

StatusOr<Vocabulary> Vocabulary::FromList(std::string_view column, const std::vector<std::string>& keys) {
  if (keys.empty()) return InvalidArgumentError(Prefix(column) + "vocabulary_list must be non-empty");
  Vocabulary vocab(KeyType::kString);
  for (const std::string& key : keys) {
    auto [it, inserted] = vocab.strings_.emplace(key, vocab.size_);
    if (!inserted) {
      return InvalidArgumentError(Prefix(column) + "duplicate key '" + key + "' in vocabulary_list (positions " +
                                  std::to_string(it->second) + " and " + std::to_string(vocab.size_) + ")");
    }
    ++vocab.size_;
  }
  return vocab;
}

StatusOr<Vocabulary> Vocabulary::FromList(std::string_view column, const std::vector<int64_t>& keys) {
  if (keys.empty()) return InvalidArgumentError(Prefix(column) + "vocabulary_list must be non-empty");
  Vocabulary vocab(KeyType::kInt64);
  for (int64_t key : keys) {
    auto [it, inserted] = vocab.ints_.emplace(key, vocab.size_);
    if (!inserted) {
      return InvalidArgumentError(Prefix(column) + "duplicate key " + std::to_string(key) +
                                  " in vocabulary_list (positions " + std::to_string(it->second) + " and " +
                                  std::to_string(vocab.size_) + ")");
    }
    ++vocab.size_;
  }
  return vocab;
}

StatusOr<Vocabulary> Vocabulary::FromFile(std::string_view column, const std::string& path,
                                          std::optional<int64_t> vocabulary_size, KeyType type) {
  StatusOr<FileLines> file = ReadLines(column, path);
  if (!file.ok()) return file.status();
  const int64_t size = vocabulary_size.value_or(file->python_count);
  if (size < 1) {
    return InvalidArgumentError(Prefix(column) + "Invalid vocabulary_size " + std::to_string(size) + " for " + path);
  }
  Vocabulary vocab(type);
  const auto available = static_cast<int64_t>(file->lines.size());
  for (int64_t id = 0; id < size && id < available; ++id) {
    const std::string& line = file->lines[id];
    if (line.empty()) {
      return InvalidArgumentError(Prefix(column) + "Invalid content in " + path + ": empty line found at position " +
                                  std::to_string(file->end_offsets[id]) + ".");
    }
    const std::string where = "vocabulary file " + path + " line " + std::to_string(id + 1) + ": ";
    if (type == KeyType::kString) {
      Status inserted = Insert(column, where, line, line, id, &vocab.strings_);
      if (!inserted.ok()) return inserted;
    } else {
      int64_t key = 0;
      if (!ParseInt64(line, &key)) {
        return InvalidArgumentError(Prefix(column) + path + ": Field " + line + " in line " + std::to_string(id) +
                                    " is not a valid int64.");
      }
      Status inserted = Insert(column, where, key, std::to_string(key), id, &vocab.ints_);
      if (!inserted.ok()) return inserted;
    }
  }
  if (available < size) {
    return InvalidArgumentError(Prefix(column) + "Invalid vocab_size in " + path + ": expected " +
                                std::to_string(size) + " but got " + std::to_string(available));
  }
  vocab.size_ = size;
  return vocab;
}

std::optional<int64_t> Vocabulary::Find(std::string_view key) const {
  auto it = strings_.find(key);
  if (it == strings_.end()) return std::nullopt;
  return it->second;
}

std::optional<int64_t> Vocabulary::Find(int64_t key) const {
  auto it = ints_.find(key);
  if (it == ints_.end()) return std::nullopt;
  return it->second;
}

namespace {

template <typename Key, typename Map>
std::vector<Key> KeysInIdOrder(const Map& ids, int64_t size) {
  std::vector<Key> keys(ids.empty() ? 0 : static_cast<size_t>(size));
  for (const auto& [key, id] : ids) keys[static_cast<size_t>(id)] = key;
  return keys;
}

}  // namespace

std::vector<std::string> Vocabulary::StringKeys() const { return KeysInIdOrder<std::string>(strings_, size_); }

std::vector<int64_t> Vocabulary::Int64Keys() const { return KeysInIdOrder<int64_t>(ints_, size_); }

}  // namespace tfcompat::feature_column
