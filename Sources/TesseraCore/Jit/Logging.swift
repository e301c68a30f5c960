import Foundation
import Logging

/// Tessera's logger, shared by the compiler, the jit cache and the backends.
///
/// The level comes from the `TESSERA_LOG` environment variable (`trace`, `debug`, `info`,
/// `notice`, `warning`, `error`, `critical`; default `warning`). `info` logs every trace and
/// compile with its reason; `debug` adds cache hits and kernel IR.
///
/// ```swift
/// TesseraLog.logger.info("compiled \(name)")
/// ```
public enum TesseraLog {
    /// The process-wide logger, labelled `tessera`.
    public static let logger: Logger = {
        var logger = Logger(label: "tessera")
        logger.logLevel = level(from: ProcessInfo.processInfo.environment["TESSERA_LOG"])
        return logger
    }()

    /// Parses a `TESSERA_LOG` value; unknown or missing values give `.warning`.
    public static func level(from value: String?) -> Logger.Level {
        guard let v = value?.trimmingCharacters(in: .whitespaces).lowercased(), !v.isEmpty else { return .warning }
        return Logger.Level(rawValue: v) ?? .warning
    }
}
