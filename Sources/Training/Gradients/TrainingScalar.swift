import Foundation

/// The element type of the training kernels: `Float` for training, `Double` for the
/// finite-difference checks of the same code in the tests.
public protocol TrainingScalar: BinaryFloatingPoint {
    static func exp(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func cos(_ x: Self) -> Self
    static func sin(_ x: Self) -> Self
}

extension Float: TrainingScalar {
    public static func exp(_ x: Float) -> Float { Foundation.exp(x) }
    public static func tanh(_ x: Float) -> Float { Foundation.tanh(x) }
    public static func log(_ x: Float) -> Float { Foundation.log(x) }
    public static func cos(_ x: Float) -> Float { Foundation.cos(x) }
    public static func sin(_ x: Float) -> Float { Foundation.sin(x) }
}

extension Double: TrainingScalar {
    public static func exp(_ x: Double) -> Double { Foundation.exp(x) }
    public static func tanh(_ x: Double) -> Double { Foundation.tanh(x) }
    public static func log(_ x: Double) -> Double { Foundation.log(x) }
    public static func cos(_ x: Double) -> Double { Foundation.cos(x) }
    public static func sin(_ x: Double) -> Double { Foundation.sin(x) }
}
