# Install rules of the C library and the files that let other builds consume it:
#   find_package(fastconv CONFIG REQUIRED) + target_link_libraries(app PRIVATE fastconv::fastconv)
#   pkg-config --cflags --libs fastconv
# Included from the top-level CMakeLists.txt after the `fastconv` target exists; the
# FASTCONV_INSTALL_* directories (relative to the install prefix) are set there.
include(CMakePackageConfigHelpers)

install(TARGETS fastconv
  EXPORT fastconvTargets
  LIBRARY DESTINATION ${FASTCONV_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${FASTCONV_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${FASTCONV_INSTALL_BINDIR})
install(FILES ${PROJECT_SOURCE_DIR}/src/include/fastconv.h
  DESTINATION ${FASTCONV_INSTALL_INCLUDEDIR})

# fastconvTargets.cmake: the imported target fastconv::fastconv, located through
# _IMPORT_PREFIX, which the generated file computes from its own location.
install(EXPORT fastconvTargets
  NAMESPACE fastconv::
  DESTINATION ${FASTCONV_INSTALL_CMAKEDIR})

if(TARGET OpenMP::OpenMP_C)
  set(FASTCONV_HAS_OPENMP ON)
else()
  set(FASTCONV_HAS_OPENMP OFF)
endif()

configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/fastconvConfig.cmake.in
  ${PROJECT_BINARY_DIR}/fastconvConfig.cmake
  INSTALL_DESTINATION ${FASTCONV_INSTALL_CMAKEDIR}
  PATH_VARS FASTCONV_INSTALL_INCLUDEDIR FASTCONV_INSTALL_LIBDIR)
# 0.x: a minor release may change the API, so only 0.1.* satisfies a request for 0.1
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/fastconvConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/fastconvConfig.cmake
  ${PROJECT_BINARY_DIR}/fastconvConfigVersion.cmake
  DESTINATION ${FASTCONV_INSTALL_CMAKEDIR})

# fastconv.pc: prefix relative to the .pc file (${pcfiledir}), never an absolute path.
# e.g. fastconv/lib/pkgconfig -> prefix=${pcfiledir}/../../..
file(RELATIVE_PATH FASTCONV_PC_PREFIX_REL
  "/prefix/${FASTCONV_INSTALL_PKGCONFIGDIR}" "/prefix")
string(REGEX REPLACE "/$" "" FASTCONV_PC_PREFIX_REL "${FASTCONV_PC_PREFIX_REL}")
if(FASTCONV_PYTHON)
  # Inside site-packages the library is never on the loader's default path: embed an
  # rpath, so that `cc app.c $(pkg-config --cflags --libs fastconv)` gives a program
  # that runs as is.
  set(FASTCONV_PC_RPATH " -Wl,-rpath,\${libdir}")
else()
  set(FASTCONV_PC_RPATH "")
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/fastconv.pc.in ${PROJECT_BINARY_DIR}/fastconv.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/fastconv.pc DESTINATION ${FASTCONV_INSTALL_PKGCONFIGDIR})
