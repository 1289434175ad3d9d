// SPDX-License-Identifier: Apache-2.0
// An optimizer's update, a cache-sized piece of the variables at a time.
//
// An update is a few elementwise expressions over the same arrays (Adagrad:
// accum += g^2, then var -= lr g / sqrt(accum)). Over the whole variable
// block, each expression streams every array it reads through memory again
// (the 784-512-512-10 MLP's block is 2.7 MB, beyond L2); piece by piece, a
// piece's arrays stay in L1 from one expression to the next (Adagrad: one
// pass instead of two, ~4% of that MLP's training step).
//
// Pieces start at multiples of kPieceFloats from the block's start, which
// VariableStore aligns to 64 bytes: Eigen then takes the same vector or
// scalar path for every element as over the whole block, and the update
// gives the same bits.
#ifndef TFCOMPAT_SRC_KERNELS_PIECES_H_
#define TFCOMPAT_SRC_KERNELS_PIECES_H_

#include <algorithm>
#include <cstddef>
#include <span>

#include "kernels/eigen_types.h"

namespace tfcompat::kernels {

// 8 KiB per array: the five arrays of centered RMSProp fit in L1 (48 KiB)
// together, Ftrl's four and its three temporaries nearly. A multiple of
// every vector width.
inline constexpr size_t kPieceFloats = 2048;

// A temporary of one piece, on the stack.
using PieceArray = Eigen::Array<float, Eigen::Dynamic, 1, Eigen::ColMajor, static_cast<int>(kPieceFloats), 1>;

// Elements [begin, begin + size) of each array of the update.
struct Piece {
  size_t begin;
  size_t size;
  MapArray operator()(std::span<float> s) const { return ViewArray(s.subspan(begin, size)); }
  ConstMapArray operator()(std::span<const float> s) const { return ViewArray(s.subspan(begin, size)); }
};

// Calls update(piece) for consecutive pieces covering [0, size).
template <typename Update>
void ForEachPiece(size_t size, Update&& update) {
  for (size_t begin = 0; begin < size; begin += kPieceFloats)
    update(Piece{begin, std::min(kPieceFloats, size - begin)});
}

}  // namespace tfcompat::kernels

#endif  // TFCOMPAT_SRC_KERNELS_PIECES_H_
