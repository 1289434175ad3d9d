// SPDX-License-Identifier: Apache-2.0
// Activation functions, applied in place to a layer's [batch, units] output.
//
// Each derivative is written in terms of the activation's output a = f(z),
// so a layer keeps only its output for the backward pass.
#ifndef TFCOMPAT_SRC_MODEL_ACTIVATION_H_
#define TFCOMPAT_SRC_MODEL_ACTIVATION_H_

#include "kernels/eigen_types.h"
#include "tfcompat/model/model.h"

namespace tfcompat::model {

// z -> f(z), in place.
void ActivationForward(Activation activation, Matrix* z);

// grad: in, dL/da; out, dL/dz = dL/da * f'(z), with f'(z) computed from a.
void ActivationBackward(Activation activation, const Matrix& a, Matrix* grad);

}  // namespace tfcompat::model

#endif  // TFCOMPAT_SRC_MODEL_ACTIVATION_H_
