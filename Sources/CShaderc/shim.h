// CShaderc: GLSL -> SPIR-V at run time for Tessera's Vulkan backend.
// Debian packages: libshaderc-dev (+ glslang-dev, spirv-tools for the static archives).
// pkg-config name: `shaderc_combined`. Linked statically: see module.modulemap.
#ifndef TESSERA_CSHADERC_SHIM_H
#define TESSERA_CSHADERC_SHIM_H
#include <shaderc/shaderc.h>
#endif
