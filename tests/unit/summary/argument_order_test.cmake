# SPDX-License-Identifier: Apache-2.0
# Script mode, run by ctest: SummaryWriter's scalar methods take (tag, value,
# step), and a call with the step and a floating-point value swapped must
# not compile, because of the deleted overloads in summary_writer.h.
#
#   cmake -DCXX=<compiler> -DINCLUDE_DIR=<repo>/include -DSNIPPET=<snippet.cc>
#         -P argument_order_test.cmake
#
# argument_order_snippet.cc must compile as is, and each of its swapped
# calls (TFCOMPAT_SWAPPED=1..5) must fail with a diagnostic that names the
# method it calls as deleted (GCC: "use of deleted function ...AddScalar(",
# Clang: "call to deleted member function 'AddScalar'").
foreach(var CXX INCLUDE_DIR SNIPPET)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "argument_order_test.cmake: ${var} is not set")
  endif()
endforeach()

set(compile ${CXX} -std=c++20 -fsyntax-only -Wall -Wextra -I ${INCLUDE_DIR} ${SNIPPET})

execute_process(COMMAND ${compile} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "the calls in (tag, value, step) order do not compile:\n${out}")
endif()
message(STATUS "(tag, value, step) compiles")

# The method each swapped call makes, in TFCOMPAT_SWAPPED order.
set(methods AddScalar AddScalar AddScalar AddScalarTensor AddScalarTensor AddScalar)
set(n 0)
foreach(method IN LISTS methods)
  math(EXPR n "${n} + 1")
  execute_process(COMMAND ${compile} -DTFCOMPAT_SWAPPED=${n} RESULT_VARIABLE result OUTPUT_VARIABLE out
                  ERROR_VARIABLE out)
  if(result EQUAL 0)
    message(FATAL_ERROR "swapped call ${n}, ${method}(tag, step, value), compiles")
  endif()
  if(NOT out MATCHES "deleted[^\n]*${method}[^A-Za-z]")
    message(FATAL_ERROR "swapped call ${n} fails to compile, but not as a deleted ${method}:\n${out}")
  endif()
  message(STATUS "swapped call ${n}, ${method}(tag, step, value), is rejected as deleted")
endforeach()
