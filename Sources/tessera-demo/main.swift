import Tessera

func f(_ x: Tensor) -> Tensor { -4 * x * x * x + 9 * x * x + 6 * x - 3 }
print("Tessera on \(Device.default)")
let x = Tensor.arange(10)
print(x)
print(x.at[0].set(10))
print(f(Tensor(1.0)))
print(makeJaxpr(f)(Tensor(3)))
print(jit(f)(Tensor([1, 2, 3] as [Float])))
