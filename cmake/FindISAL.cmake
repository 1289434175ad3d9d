# SPDX-License-Identifier: Apache-2.0
# Finds Intel's ISA-L (libisal), which ships a pkg-config file but no CMake
# package, and defines the IMPORTED target ISAL::ISAL. tfcompat installs this
# module beside its package configuration so that a project linking the
# static libtfcompat finds ISA-L the same way the build did.
#
# Result variables: ISAL_FOUND, ISAL_INCLUDE_DIR, ISAL_LIBRARY, ISAL_VERSION
# (when pkg-config knows it). Hints: ISAL_ROOT, CMAKE_PREFIX_PATH.
find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(PC_ISAL QUIET libisal)
endif()

find_path(ISAL_INCLUDE_DIR NAMES isa-l/crc.h HINTS ${PC_ISAL_INCLUDE_DIRS})
find_library(ISAL_LIBRARY NAMES isal HINTS ${PC_ISAL_LIBRARY_DIRS})
set(ISAL_VERSION ${PC_ISAL_VERSION})

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(ISAL REQUIRED_VARS ISAL_LIBRARY ISAL_INCLUDE_DIR VERSION_VAR ISAL_VERSION)
mark_as_advanced(ISAL_INCLUDE_DIR ISAL_LIBRARY)

if(ISAL_FOUND AND NOT TARGET ISAL::ISAL)
  add_library(ISAL::ISAL UNKNOWN IMPORTED)
  set_target_properties(ISAL::ISAL PROPERTIES IMPORTED_LOCATION "${ISAL_LIBRARY}"
                                              INTERFACE_INCLUDE_DIRECTORIES "${ISAL_INCLUDE_DIR}")
endif()
