# SPDX-License-Identifier: Apache-2.0
# Finds Google's FarmHash (Debian's libfarmhash-dev), which ships neither a
# CMake package nor a pkg-config file, and defines the IMPORTED target
# Farmhash::Farmhash. The feature columns hash strings with its
# Fingerprint64, the function TensorFlow's Fingerprint64 is. tfcompat installs
# this module beside its package configuration so that a project linking the
# static libtfcompat finds FarmHash the same way the build did.
#
# Result variables: Farmhash_FOUND, FARMHASH_INCLUDE_DIR, FARMHASH_LIBRARY.
# Hints: CMAKE_PREFIX_PATH.
find_path(FARMHASH_INCLUDE_DIR NAMES farmhash.h)
find_library(FARMHASH_LIBRARY NAMES farmhash)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Farmhash REQUIRED_VARS FARMHASH_LIBRARY FARMHASH_INCLUDE_DIR)
mark_as_advanced(FARMHASH_INCLUDE_DIR FARMHASH_LIBRARY)

if(Farmhash_FOUND AND NOT TARGET Farmhash::Farmhash)
  add_library(Farmhash::Farmhash UNKNOWN IMPORTED)
  set_target_properties(Farmhash::Farmhash PROPERTIES IMPORTED_LOCATION "${FARMHASH_LIBRARY}"
                                                      INTERFACE_INCLUDE_DIRECTORIES "${FARMHASH_INCLUDE_DIR}")
endif()
