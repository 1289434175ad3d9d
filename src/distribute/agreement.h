// SPDX-License-Identifier: Apache-2.0
// How the ranks of a data-parallel job agree: on whether to go on (one rank's
// error ends every rank with that error) and on what was launched (ranks
// started with another model, data or schedule are found before they train).
#ifndef TFCOMPAT_DISTRIBUTE_AGREEMENT_H_
#define TFCOMPAT_DISTRIBUTE_AGREEMENT_H_

#include <cstdint>
#include <span>
#include <string>

#include "tfcompat/base/status.h"
#include "tfcompat/distribute/communicator.h"

namespace tfcompat::distribute {

// The same status on every rank: OK when every rank's `local` is OK,
// otherwise the error of the lowest-numbered failing rank, with its code and
// its message prefixed "rank r of n: ". `sums` are summed over the ranks in
// the same collective (AllreduceSum), so a step's losses travel with its
// status. A transport error is returned as is.
[[nodiscard]] Status AgreeOnStatus(Communicator& communicator, const Status& local, std::span<double> sums = {});

// Something every rank of a launch must have the same of, and this rank's
// value (a short text, or a fingerprint in hex).
struct LaunchFact {
  std::string name;  // "model variables", "first batch", ...
  std::string value;
};

// A 64-bit fingerprint as a LaunchFact value: 16 lower-case hex digits.
std::string FingerprintHex(uint64_t fingerprint);

// OK when every rank's facts equal rank 0's; otherwise, on every rank,
// InvalidArgument naming the first differing fact and rank:
// "rank 1 of 2 was launched with another <name> than rank 0 (<value> vs
// <rank 0's value>): every rank must run the same command on the same data".
[[nodiscard]] Status CheckSameLaunch(Communicator& communicator, std::span<const LaunchFact> facts);

}  // namespace tfcompat::distribute

#endif  // TFCOMPAT_DISTRIBUTE_AGREEMENT_H_
