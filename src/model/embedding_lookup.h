// SPDX-License-Identifier: Apache-2.0
// TF's safe_embedding_lookup_sparse, the one operation behind an embedding
// column and the linear model's weights of a categorical column: for each
// example b, the rows of a table [num_rows, width] named by its ids,
// weighted and combined,
//
//   out[b] = scale_b * sum_i w_i table[id_i]
//   scale_b = 1 (sum), 1 / sum_i w_i (mean), 1 / sqrt(sum_i w_i^2) (sqrtn)
//
// with w_i = 1 for an unweighted column. Ids < 0 and weights <= 0 are
// dropped first, as the safe lookup prunes them; an example left with no
// id gives zeros. The gradient is row-sparse:
//
//   dL/dtable[r] = sum over entries i with id_i = r of scale_b w_i dL/dout[b]
//
// and only the rows that occur (touched_rows()) are non-zero.
#ifndef TFCOMPAT_SRC_MODEL_EMBEDDING_LOOKUP_H_
#define TFCOMPAT_SRC_MODEL_EMBEDDING_LOOKUP_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "kernels/eigen_types.h"
#include "tfcompat/feature_column/feature_column.h"

namespace tfcompat::model {

class EmbeddingLookup {
 public:
  EmbeddingLookup(int64_t num_rows, int64_t width, feature_column::Combiner combiner)
      : num_rows_(num_rows), width_(width), combiner_(combiner) {}

  // Takes a batch's ids (and weights) of the column `column` (for errors).
  // InvalidArgument for an id >= num_rows.
  [[nodiscard]] Status Prepare(const feature_column::SparseIds& ids, int64_t batch_size, std::string_view column);

  // out.col(first_col + k)[b] += out[b][k] for the prepared batch; `table`
  // is the table's row-major values.
  void Forward(const float* table, Matrix* out, Eigen::Index first_col) const;

  // Zeroes the table gradient rows of the previous Backward, then writes
  // this batch's: `d_out` columns [first_col, first_col + width) hold
  // dL/dout.
  void Backward(const Matrix& d_out, Eigen::Index first_col, float* table_grad);

  // The rows the prepared batch reads, sorted and unique.
  const std::vector<int64_t>& touched_rows() const { return touched_; }

 private:
  struct Entry {
    int64_t example;
    int64_t row;
    float weight;  // w_i
  };

  int64_t num_rows_;
  int64_t width_;
  feature_column::Combiner combiner_;
  std::vector<Entry> entries_;
  // Per example, what the weighted sum is divided by (1 for the sum, and
  // for an example without ids).
  std::vector<float> divisors_;
  mutable Matrix sums_;  // Forward's weighted sums [B, width], kept to reuse its memory
  std::vector<int64_t> touched_;
  std::vector<int64_t> last_touched_;  // rows the last Backward wrote
};

}  // namespace tfcompat::model

#endif  // TFCOMPAT_SRC_MODEL_EMBEDDING_LOOKUP_H_
