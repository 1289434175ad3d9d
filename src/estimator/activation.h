// Activation functions, applied in place to a layer's [batch, units] output.
//
// Each derivative is written in terms of the activation's output a = f(z),
// so a layer keeps only its output for the backward pass.
#ifndef TFCOMPAT_SRC_ESTIMATOR_ACTIVATION_H_
#define TFCOMPAT_SRC_ESTIMATOR_ACTIVATION_H_

#include "estimator/eigen_types.h"
#include "tfcompat/estimator/model.h"

namespace tfcompat::estimator {

// z -> f(z), in place.
void ActivationForward(Activation activation, Matrix* z);

// grad: in, dL/da; out, dL/dz = dL/da * f'(z), with f'(z) computed from a.
void ActivationBackward(Activation activation, const Matrix& a, Matrix* grad);

}  // namespace tfcompat::estimator

#endif  // TFCOMPAT_SRC_ESTIMATOR_ACTIVATION_H_
