// SPDX-License-Identifier: Apache-2.0
// TagMap<T> (internal): a map from summary tag to T, in tag order, for
// readers that look a tag up for every value of millions.
//
// A writer logs its tags in the same order step after step (loss, accuracy,
// loss, accuracy, ...), so each entry remembers the entry looked up right
// after it, and a lookup tries that one first: one string comparison while
// the order repeats, a search of the map when it does not.
//
//   TagMap<std::vector<double>> series;
//   series[tag].push_back(value);
//   for (const auto& [tag, values] : series) ...
#ifndef TFCOMPAT_SRC_SUMMARY_TAG_MAP_H_
#define TFCOMPAT_SRC_SUMMARY_TAG_MAP_H_

#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>

namespace tfcompat {

template <typename T>
class TagMap {
 public:
  TagMap() = default;
  // Entries point at each other: a copy would point into the original.
  TagMap(const TagMap&) = delete;
  TagMap& operator=(const TagMap&) = delete;
  TagMap(TagMap&& other) noexcept : map_(std::move(other.map_)), last_(std::exchange(other.last_, nullptr)) {}
  TagMap& operator=(TagMap&& other) noexcept {
    map_ = std::move(other.map_);
    last_ = std::exchange(other.last_, nullptr);
    return *this;
  }

  // The value of `tag`, value-initialized when `tag` is new.
  T& operator[](std::string_view tag) {
    Entry* next = last_ != nullptr ? last_->second.next : nullptr;
    if (next == nullptr || !SameTag(next->first, tag)) {
      auto it = map_.find(tag);
      if (it == map_.end()) it = map_.emplace(std::string(tag), Slot()).first;
      next = &*it;
      if (last_ != nullptr) last_->second.next = next;
    }
    last_ = next;
    return next->second.value;
  }

  bool empty() const { return map_.empty(); }

  // Iterates (tag, value) pairs in tag order.
  template <typename MapIterator, typename Value>
  class Iterator {
   public:
    explicit Iterator(MapIterator it) : it_(it) {}
    std::pair<const std::string&, Value&> operator*() const { return {it_->first, it_->second.value}; }
    Iterator& operator++() {
      ++it_;
      return *this;
    }
    bool operator==(const Iterator& other) const { return it_ == other.it_; }

   private:
    MapIterator it_;
  };
  auto begin() { return Iterator<typename Map::iterator, T>(map_.begin()); }
  auto end() { return Iterator<typename Map::iterator, T>(map_.end()); }
  auto begin() const { return Iterator<typename Map::const_iterator, const T>(map_.begin()); }
  auto end() const { return Iterator<typename Map::const_iterator, const T>(map_.end()); }

 private:
  struct Slot;
  using Map = std::map<std::string, Slot, std::less<>>;
  using Entry = typename Map::value_type;
  struct Slot {
    T value{};
    Entry* next = nullptr;  // The entry looked up after this one last time.
  };

  // Equality of short strings, 8 bytes at a time: inline, it costs less
  // than the call of memcmp it replaces.
  static bool SameTag(std::string_view a, std::string_view b) {
    const size_t n = a.size();
    if (n != b.size()) return false;
    if (n < 4) {
      for (size_t i = 0; i < n; ++i) {
        if (a[i] != b[i]) return false;
      }
      return true;
    }
    if (n < 8) {  // The first 4 and the last 4, overlapping.
      return Word<uint32_t>(a.data()) == Word<uint32_t>(b.data()) &&
             Word<uint32_t>(a.data() + n - 4) == Word<uint32_t>(b.data() + n - 4);
    }
    for (size_t i = 0; i + 8 < n; i += 8) {
      if (Word<uint64_t>(a.data() + i) != Word<uint64_t>(b.data() + i)) return false;
    }
    return Word<uint64_t>(a.data() + n - 8) == Word<uint64_t>(b.data() + n - 8);  // The last 8, overlapping.
  }
  template <typename W>
  static W Word(const char* p) {
    W word;
    std::memcpy(&word, p, sizeof(word));
    return word;
  }

  Map map_;
  Entry* last_ = nullptr;
};

}  // namespace tfcompat

#endif  // TFCOMPAT_SRC_SUMMARY_TAG_MAP_H_
