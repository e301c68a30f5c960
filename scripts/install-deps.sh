#!/usr/bin/env bash
# Installs the system packages Tessera builds and tests against (Debian/Ubuntu, apt).
# Idempotent and quick when everything is present: it only runs `apt-get update` and
# `apt-get install` when a package is missing. Uses sudo when not root.
#
#   scripts/install-deps.sh            install what is missing
#   scripts/install-deps.sh --check    only report; exit 1 if something is missing
#   TESSERA_SKIP_DEPS=1                skip entirely (e.g. a machine provisioned otherwise)
#
# The Swift toolchain itself (6.1 or later) is not installed here.
set -euo pipefail

PACKAGES=(
  pkg-config
  libopenblas-dev       # BLAS CPU backend: cblas + LAPACK (pkg-config: openblas)
  ocl-icd-opencl-dev    # OpenCL headers + ICD loader (pkg-config: OpenCL)
  pocl-opencl-icd       # PoCL: the OpenCL CPU device used in tests
  libvulkan-dev         # Vulkan headers + loader (pkg-config: vulkan)
  mesa-vulkan-drivers   # lavapipe: the Vulkan CPU device used in tests
  libshaderc-dev        # GLSL -> SPIR-V (pkg-config: shaderc_combined), linked statically:
  glslang-dev           #   its glslang archives (libSPIRV.a, libMachineIndependent.a, ...)
  spirv-tools           #   and SPIRV-Tools archives (libSPIRV-Tools{,-opt}.a)
)
PKG_CONFIG_NAMES=(openblas OpenCL vulkan shaderc_combined)

log() { printf 'install-deps: %s\n' "$*" >&2; }

if [[ "${TESSERA_SKIP_DEPS:-}" == 1 ]]; then
  log "TESSERA_SKIP_DEPS=1, skipping"
  exit 0
fi
check_only=0
[[ "${1:-}" == "--check" ]] && check_only=1

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  # Not a Debian-like system: accept it if pkg-config finds every library.
  missing_pc=()
  for pc in "${PKG_CONFIG_NAMES[@]}"; do
    pkg-config --exists "$pc" 2>/dev/null || missing_pc+=("$pc")
  done
  if ((${#missing_pc[@]})); then
    log "no apt here, and pkg-config cannot find: ${missing_pc[*]}"
    log "install the equivalents of: ${PACKAGES[*]}"
    exit 1
  fi
  log "no apt here, but pkg-config finds every library; continuing"
  exit 0
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == installed ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  log "all ${#PACKAGES[@]} system packages present"
  exit 0
fi
if ((check_only)); then
  log "missing: ${missing[*]}"
  exit 1
fi

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    log "missing ${missing[*]}, and not root with no sudo: install them as root"
    exit 1
  fi
fi

log "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
APT=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600)
"${APT[@]}" update -qq
"${APT[@]}" install -y -qq --no-install-recommends "${missing[@]}"

# Sanity check: the pkg-config names the Package.swift shims use.
for pc in "${PKG_CONFIG_NAMES[@]}"; do
  pkg-config --exists "$pc" || { log "pkg-config cannot find '$pc' after install"; exit 1; }
done
log "done"
