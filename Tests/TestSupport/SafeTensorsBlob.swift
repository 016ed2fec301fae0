import Foundation
import Glibc
import XCTest

/// Builds safetensors files byte by byte, so tests need no Python: entries are written as
/// the JSON text given (a hostile test writes any text it likes), the header length as 8
/// little-endian bytes, then the data.
public struct SafeTensorsBlob {
    /// The header's JSON text as it will be written.
    public var header: String
    public var data: [UInt8]
    /// When set, written instead of the header's true length.
    public var claimedLength: UInt64?

    public init(header: String, data: [UInt8] = []) {
        self.header = header
        self.data = data
    }

    /// A well-formed file of F32 tensors laid out one after another, with metadata.
    public init(f32 tensors: [(name: String, shape: [Int], values: [Float])], metadata: [String: String] = [:]) {
        var entries: [String] = []
        var data: [UInt8] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }
            entries.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        for t in tensors {
            let begin = data.count
            for v in t.values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data += $0 } }
            entries.append("\"\(t.name)\":{\"dtype\":\"F32\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(begin),\(data.count)]}")
        }
        self.init(header: "{" + entries.joined(separator: ",") + "}", data: data)
    }

    public func bytes() -> [UInt8] {
        let h = Array(header.utf8)
        var out: [UInt8] = []
        withUnsafeBytes(of: (claimedLength ?? UInt64(h.count)).littleEndian) { out += $0 }
        return out + h + data
    }
}

/// A folder of test files, removed with the object.
public final class TempFolder {
    public let directory: URL

    public init() {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("safetensors-tests-\(getpid())-\(UUID().uuidString)", isDirectory: true)
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    @discardableResult
    public func write(_ bytes: [UInt8], name: String = "test.safetensors") -> String {
        let path = directory.appendingPathComponent(name).path
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)), path)
        return path
    }

    @discardableResult
    public func write(_ blob: SafeTensorsBlob, name: String = "test.safetensors") -> String { write(blob.bytes(), name: name) }

    /// A path inside the folder (nothing is created).
    public func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: directory) }
}
