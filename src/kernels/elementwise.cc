// SPDX-License-Identifier: Apache-2.0
// The elementwise kernels' dispatch, chosen on the first call, and their
// Eigen implementations.
#include "kernels/elementwise.h"

#include <atomic>
#include <iterator>
#include <span>

#include "kernels/cpu_features.h"
#include "kernels/eigen_types.h"
#include "kernels/elementwise_isa.h"
#include "kernels/pieces.h"

namespace tfcompat::kernels {
namespace {

void EigenAdagrad(size_t n, const float* grad, float* accum, float* var, float lr) {
  const std::span<const float> grads(grad, n);
  const std::span<float> accums(accum, n), vars(var, n);
  // Piece by piece (pieces.h): accum stays in L1 from one expression to the next.
  ForEachPiece(n, [&](const Piece& piece) {
    const ConstMapArray g = piece(grads);
    MapArray a = piece(accums);
    a += g.square();
    piece(vars) -= lr * g * a.rsqrt();
  });
}

void EigenSoftmax(int64_t rows, int64_t cols, const float* z, float* p, float* logsumexp) {
  const Eigen::Map<const Matrix> logits(z, rows, cols);
  const Eigen::VectorXf max = logits.rowwise().maxCoeff();
  Eigen::Map<Matrix> probabilities(p, rows, cols);
  probabilities = logits;
  probabilities.colwise() -= max;
  // exp() of a plain matrix runs Eigen's vectorized exp, as TF's softmax
  // kernel does; of the broadcast expression above it fell back to one
  // expf() call per element (a tenth of an Iris step at batch 100).
  probabilities.array() = probabilities.array().exp();
  const Eigen::VectorXf sum = probabilities.rowwise().sum();
  probabilities.array().colwise() /= sum.array();
  Eigen::Map<Eigen::VectorXf>(logsumexp, rows) = (sum.array().log() + max.array()).matrix();
}

constexpr ElementwiseKernels kEigenKernels{.adagrad = EigenAdagrad, .softmax = EigenSoftmax};

// Every implementation, widest first, each with its CPU check.
struct Choice {
  std::string_view name;
  bool (*cpu_runs)();
  const ElementwiseKernels* kernels;
};

bool AnyCpu() { return true; }

constexpr Choice kChoices[] = {
#if defined(TFCOMPAT_ELEMENTWISE_HAVE_ISA_KERNELS)
    {"avx512", CpuHasAvx512, &elementwise_avx512::kKernels},
    {"avx2", CpuHasAvx2AndFma, &elementwise_avx2::kKernels},
#endif
    {"eigen", AnyCpu, &kEigenKernels},
};

// The kernels AdagradUpdate() and Softmax() run; null until the first call
// chooses the widest this CPU runs.
constinit std::atomic<const ElementwiseKernels*> g_current{nullptr};

const ElementwiseKernels& Current() {
  const ElementwiseKernels* current = g_current.load(std::memory_order_acquire);
  if (current == nullptr) {
    for (const Choice& choice : kChoices) {
      if (choice.cpu_runs()) {
        current = choice.kernels;
        break;
      }
    }
    g_current.store(current, std::memory_order_release);
  }
  return *current;
}

}  // namespace

void AdagradUpdate(size_t n, const float* grad, float* accum, float* var, float lr) {
  Current().adagrad(n, grad, accum, var, lr);
}

void Softmax(int64_t rows, int64_t cols, const float* z, float* p, float* logsumexp) {
  Current().softmax(rows, cols, z, p, logsumexp);
}

namespace elementwise_internal {

std::vector<Implementation> AvailableImplementations() {
  std::vector<Implementation> implementations;
  // Eigen first, then the ISA-specific ones, then the dispatch.
  for (auto choice = std::rbegin(kChoices); choice != std::rend(kChoices); ++choice) {
    if (choice->cpu_runs())
      implementations.push_back({choice->name, choice->kernels->adagrad, choice->kernels->softmax});
  }
  implementations.push_back({"dispatch", AdagradUpdate, Softmax});
  return implementations;
}

bool SelectImplementation(std::string_view name) {
  for (const Choice& choice : kChoices) {
    if (name == choice.name && choice.cpu_runs()) {
      g_current.store(choice.kernels, std::memory_order_release);
      return true;
    }
  }
  return false;
}

}  // namespace elementwise_internal
}  // namespace tfcompat::kernels
