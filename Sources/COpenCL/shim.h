// COpenCL: the OpenCL ICD loader for Tessera's OpenCL backend.
// Debian packages: ocl-icd-opencl-dev (headers + libOpenCL.so loader); pocl-opencl-icd is
// the CPU device used in tests. pkg-config name: `OpenCL`.
// Swift note: CL_* constants import as Int32/UInt32; convert explicitly, e.g.
// cl_mem_flags(CL_MEM_READ_ONLY), cl_device_type(CL_DEVICE_TYPE_ALL), cl_device_info(CL_DEVICE_NAME).
#ifndef TESSERA_COPENCL_SHIM_H
#define TESSERA_COPENCL_SHIM_H
#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 300
#endif
// OpenCL 1.2 drivers only have clCreateCommandQueue, which the 2.0+ headers mark deprecated.
#ifndef CL_USE_DEPRECATED_OPENCL_1_2_APIS
#define CL_USE_DEPRECATED_OPENCL_1_2_APIS
#endif
#include <CL/cl.h>
#endif
