# Install layout: where the C library and the files to consume it go, relative to the
# install prefix (FASTCONV_INSTALL_{LIBDIR,BINDIR,INCLUDEDIR,CMAKEDIR,PKGCONFIGDIR}).
# Included from the top-level CMakeLists.txt before the library target is defined.
#
# Python build (scikit-build-core, FASTCONV_PYTHON=ON): everything lives inside the package
# folder of site-packages, so the wheel carries the C library, its header and the CMake /
# pkg-config files that let C, C++ and Cython code link the very library Python uses:
#   fastconv/libfastconv.so  fastconv/include/fastconv.h
#   fastconv/lib/cmake/fastconv/fastconvConfig.cmake  fastconv/lib/pkgconfig/fastconv.pc
# Standalone C build: the usual GNUInstallDirs layout under CMAKE_INSTALL_PREFIX.
# Every file installed refers to the others by relative paths, so both are relocatable.
include(GNUInstallDirs)
if(FASTCONV_PYTHON)
  set(_fc_libdir fastconv)
  set(_fc_bindir fastconv)
  set(_fc_incdir fastconv/include)
  set(_fc_cmakedir fastconv/lib/cmake/fastconv)
  set(_fc_pcdir fastconv/lib/pkgconfig)
else()
  set(_fc_libdir ${CMAKE_INSTALL_LIBDIR})
  set(_fc_bindir ${CMAKE_INSTALL_BINDIR})
  set(_fc_incdir ${CMAKE_INSTALL_INCLUDEDIR})
  set(_fc_cmakedir ${CMAKE_INSTALL_LIBDIR}/cmake/fastconv)
  set(_fc_pcdir ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endif()
set(FASTCONV_INSTALL_LIBDIR "${_fc_libdir}" CACHE STRING "Install dir of libfastconv (relative to the prefix)")
set(FASTCONV_INSTALL_BINDIR "${_fc_bindir}" CACHE STRING "Install dir of the DLL on Windows (relative to the prefix)")
set(FASTCONV_INSTALL_INCLUDEDIR "${_fc_incdir}" CACHE STRING "Install dir of fastconv.h (relative to the prefix)")
set(FASTCONV_INSTALL_CMAKEDIR "${_fc_cmakedir}" CACHE STRING "Install dir of fastconvConfig.cmake (relative to the prefix)")
set(FASTCONV_INSTALL_PKGCONFIGDIR "${_fc_pcdir}" CACHE STRING "Install dir of fastconv.pc (relative to the prefix)")
foreach(_d LIBDIR BINDIR INCLUDEDIR CMAKEDIR PKGCONFIGDIR)
  if(IS_ABSOLUTE "${FASTCONV_INSTALL_${_d}}")
    message(FATAL_ERROR "FASTCONV_INSTALL_${_d} must be relative to the install prefix "
                        "(the installed package is relocatable), got ${FASTCONV_INSTALL_${_d}}")
  endif()
endforeach()
