// CVulkan: the Vulkan loader for Tessera's Vulkan backend.
// Debian packages: libvulkan-dev (headers + libvulkan.so loader); mesa-vulkan-drivers
// provides lavapipe ("llvmpipe"), the CPU device used in tests. pkg-config name: `vulkan`.
// Swift notes: handles are OpaquePointer? (use nil, VK_NULL_HANDLE is unavailable);
// Vk*CreateInfo() zero-fills, set sType yourself; *Flags fields take FlagBits.rawValue.
// VK_WHOLE_SIZE, VK_TRUE, VK_FALSE import directly; the function-like macros below do not,
// hence these helpers.
#ifndef TESSERA_CVULKAN_SHIM_H
#define TESSERA_CVULKAN_SHIM_H
#include <stdint.h>
#include <vulkan/vulkan.h>

static inline uint32_t tessera_vk_make_api_version(uint32_t variant, uint32_t major,
                                                   uint32_t minor, uint32_t patch) {
    return VK_MAKE_API_VERSION(variant, major, minor, patch);
}
static inline uint32_t tessera_vk_api_version_major(uint32_t version) { return VK_API_VERSION_MAJOR(version); }
static inline uint32_t tessera_vk_api_version_minor(uint32_t version) { return VK_API_VERSION_MINOR(version); }
static inline uint32_t tessera_vk_api_version_patch(uint32_t version) { return VK_API_VERSION_PATCH(version); }

static const uint32_t TESSERA_VK_API_VERSION_1_1 = VK_API_VERSION_1_1;
static const uint32_t TESSERA_VK_API_VERSION_1_2 = VK_API_VERSION_1_2;
static const uint32_t TESSERA_VK_API_VERSION_1_3 = VK_API_VERSION_1_3;

#endif
