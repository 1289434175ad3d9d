# SPDX-License-Identifier: Apache-2.0
# Installs tfcompat into a fresh prefix and uses it the ways an adopting
# project does, from the installed files only.
#   MODE=static: installs BUILD_DIR (a static library with the tools), then
#     builds and runs tests/package/consumer (find_package) and examples/
#     (standalone) against the prefix, runs the installed tools, links the
#     consumer through `pkg-config --static`, and compiles every documented
#     usage example (compile_examples.py).
#   MODE=shared: configures SOURCE_DIR with BUILD_SHARED_LIBS=ON (the library
#     only), installs it, checks its SONAME, and builds and runs the consumer
#     (find_package and pkg-config) and examples/ against the prefix.
# Variables: MODE, SOURCE_DIR, WORK_DIR, CXX, PYTHON, PKG_CONFIG; BUILD_DIR
# for MODE=static.
file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")

function(run_step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "step failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
endfunction()

# Configures, builds and (with RUN) runs a project against the prefix only.
function(build_against_prefix name source_dir)
  run_step(${CMAKE_COMMAND} -S "${source_dir}" -B "${WORK_DIR}/${name}" -DCMAKE_PREFIX_PATH=${prefix}
           -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=${CXX})
  run_step(${CMAKE_COMMAND} --build "${WORK_DIR}/${name}" -j2)
endfunction()

if(MODE STREQUAL "shared")
  run_step(${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${WORK_DIR}/library" -DCMAKE_BUILD_TYPE=Release
           -DCMAKE_CXX_COMPILER=${CXX} -DBUILD_SHARED_LIBS=ON -DTFCOMPAT_BUILD_TESTS=OFF
           -DTFCOMPAT_BUILD_TOOLS=OFF -DTFCOMPAT_BUILD_EXAMPLES=OFF -DTFCOMPAT_BUILD_BENCH=OFF)
  # The libraries: tfcompat, and tfcompat_mpi when MPI is found.
  run_step(${CMAKE_COMMAND} --build "${WORK_DIR}/library" -j2)
  set(BUILD_DIR "${WORK_DIR}/library")
endif()
run_step(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}")
# The library directory (lib or lib64, as GNUInstallDirs chose): where tfcompat.pc is.
file(GLOB_RECURSE pc_file "${prefix}/*/pkgconfig/tfcompat.pc")
if(NOT pc_file)
  message(FATAL_ERROR "no tfcompat.pc installed under ${prefix}")
endif()
get_filename_component(pc_dir "${pc_file}" DIRECTORY)
get_filename_component(libdir "${pc_dir}" DIRECTORY)

# find_package(tfcompat) from a project of its own.
build_against_prefix(consumer "${SOURCE_DIR}/tests/package/consumer")
run_step("${WORK_DIR}/consumer/consumer" "${WORK_DIR}/consumer.tfrecord")

# examples/ as a standalone project.
build_against_prefix(examples "${SOURCE_DIR}/examples")
run_step("${WORK_DIR}/examples/tfrecord_demo" "${WORK_DIR}/tfrecord_demo_out")
run_step("${WORK_DIR}/examples/summary_demo" "${WORK_DIR}/summary_demo_logs")

# pkg-config: the consumer compiled and linked with the .pc file's flags alone
# (with --static for the static library, which then needs its dependencies).
set(ENV{PKG_CONFIG_PATH} "${pc_dir}")
set(pc_args --cflags --libs)
if(MODE STREQUAL "static")
  list(APPEND pc_args --static)
endif()
execute_process(COMMAND ${PKG_CONFIG} ${pc_args} tfcompat RESULT_VARIABLE rc OUTPUT_VARIABLE pc_flags
                ERROR_VARIABLE err OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pkg-config ${pc_args} tfcompat failed: ${err}")
endif()
separate_arguments(pc_flags UNIX_COMMAND "${pc_flags}")
run_step(${CXX} -std=c++20 "${SOURCE_DIR}/tests/package/consumer/main.cc" ${pc_flags} -Wl,-rpath,${libdir}
         -o "${WORK_DIR}/pkg_config_consumer")
run_step("${WORK_DIR}/pkg_config_consumer" "${WORK_DIR}/pkg_config_consumer.tfrecord")

if(MODE STREQUAL "shared")
  # SONAME libtfcompat.so.MAJOR.MINOR while 0.x (src/CMakeLists.txt).
  file(STRINGS "${SOURCE_DIR}/CMakeLists.txt" project_line REGEX "project\\(tfcompat VERSION")
  string(REGEX MATCH "VERSION ([0-9]+)\\.([0-9]+)\\.([0-9]+)" _ "${project_line}")
  set(soname "libtfcompat.so.${CMAKE_MATCH_1}.${CMAKE_MATCH_2}")
  if(NOT EXISTS "${libdir}/${soname}" OR NOT EXISTS "${libdir}/libtfcompat.so")
    message(FATAL_ERROR "no ${soname} and libtfcompat.so in ${libdir}")
  endif()
  execute_process(COMMAND objdump -p "${libdir}/libtfcompat.so" OUTPUT_VARIABLE dynamic)
  if(NOT dynamic MATCHES "SONAME +${soname}\n")
    message(FATAL_ERROR "libtfcompat.so's SONAME is not ${soname}:\n${dynamic}")
  endif()
  message(STATUS "shared install: consumer, examples and pkg-config link work; SONAME ${soname}")
  return()
endif()

# The installed tools run.
foreach(tool estimator ckpt_tool event_tool saved_model_tool)
  run_step("${prefix}/bin/${tool}" --help)
endforeach()

# Every `// Usage:` block and documented cpp block compiles against the prefix.
execute_process(COMMAND ${PYTHON} "${SOURCE_DIR}/tests/package/compile_examples.py" --source-dir "${SOURCE_DIR}"
                        --prefix "${prefix}" --work-dir "${WORK_DIR}/documented_examples" --cmake ${CMAKE_COMMAND}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "documented examples do not compile against the installed package (see above)")
endif()
message(STATUS "static install: consumer, examples, tools, pkg-config --static and documented examples work")
