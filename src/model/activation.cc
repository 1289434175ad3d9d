// SPDX-License-Identifier: Apache-2.0
#include "model/activation.h"

#include <array>
#include <string>

namespace tfcompat::model {
namespace {

constexpr std::array<std::pair<Activation, std::string_view>, 6> kNames = {{
    {Activation::kRelu, "relu"},
    {Activation::kRelu6, "relu6"},
    {Activation::kElu, "elu"},
    {Activation::kTanh, "tanh"},
    {Activation::kSigmoid, "sigmoid"},
    {Activation::kLinear, "linear"},
}};

}  // namespace

std::string_view ActivationName(Activation activation) {
  for (const auto& [a, name] : kNames) {
    if (a == activation) return name;
  }
  return "unknown";
}

StatusOr<Activation> ParseActivation(std::string_view name) {
  for (const auto& [a, n] : kNames) {
    if (n == name) return a;
  }
  return InvalidArgumentError("Unknown activation function: " + std::string(name));
}

void ActivationForward(Activation activation, Matrix* z) {
  auto v = z->array();
  switch (activation) {
    case Activation::kRelu:
      v = v.max(0.0f);
      break;
    case Activation::kRelu6:
      v = v.max(0.0f).min(6.0f);
      break;
    case Activation::kElu:
      v = (v > 0.0f).select(v, v.exp() - 1.0f);
      break;
    case Activation::kTanh:
      v = v.tanh();
      break;
    case Activation::kSigmoid:
      v = v.logistic();
      break;
    case Activation::kLinear:
      break;
  }
}

void ActivationBackward(Activation activation, const Matrix& a, Matrix* grad) {
  const auto out = a.array();
  auto g = grad->array();
  // ReLU's derivatives as plain loops: Eigen's select() is not vectorized, and
  // built for SSE2 (the portable default) its per-element branch mispredicts
  // on the signs of a layer's outputs (a fifth of an Iris step); the loops
  // vectorize as a compare and a mask on any x86-64.
  const float* a_data = a.data();
  float* g_data = grad->data();
  const Eigen::Index size = a.size();
  switch (activation) {
    case Activation::kRelu:
      // f(z) = max(z, 0): f'(z) = 1 where z > 0, i.e. where a > 0.
      for (Eigen::Index i = 0; i < size; ++i) g_data[i] = a_data[i] > 0.0f ? g_data[i] : 0.0f;
      break;
    case Activation::kRelu6:
      // f(z) = min(max(z, 0), 6): f'(z) = 1 where 0 < z < 6, i.e. 0 < a < 6.
      for (Eigen::Index i = 0; i < size; ++i) g_data[i] = a_data[i] > 0.0f && a_data[i] < 6.0f ? g_data[i] : 0.0f;
      break;
    case Activation::kElu:
      // f(z) = z (z > 0), e^z - 1 (z <= 0): f'(z) = 1, or e^z = a + 1.
      g = (out > 0.0f).select(g, g * (out + 1.0f));
      break;
    case Activation::kTanh:
      // f'(z) = 1 - tanh(z)^2 = 1 - a^2.
      g *= 1.0f - out.square();
      break;
    case Activation::kSigmoid:
      // f'(z) = s(z) (1 - s(z)) = a (1 - a).
      g *= out * (1.0f - out);
      break;
    case Activation::kLinear:
      break;
  }
}

}  // namespace tfcompat::model
