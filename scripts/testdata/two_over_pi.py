"""The first 40 32-bit words of the binary expansion of 2/pi (Payne-Hanek table in
Plugins/VulkanBackend/Shaders/GLSLTrigReduction.swift)."""
import mpmath

mpmath.mp.prec = 1400
v = 2 / mpmath.pi
words = []
for _ in range(40):
    v *= 2**32
    w = int(mpmath.floor(v))
    words.append(w)
    v -= w
print(", ".join("0x%08xu" % w for w in words))
