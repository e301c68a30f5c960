import Tessera
print("Tessera on \(Device.default)")
