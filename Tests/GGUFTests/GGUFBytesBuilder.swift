import Foundation
import XCTest
@testable import GGUF
import Glibc

/// libc's write(2), out of reach of `TempFiles.write` inside the class.
private func posixWrite(_ fd: Int32, _ p: UnsafeRawPointer?, _ n: Int) -> Int { write(fd, p, n) }

/// A test-only GGUF writer. Every field has a knob, including ones a correct writer would
/// never turn: counts, lengths, types and offsets can all lie, so the same builder produces
/// both valid files and hostile ones.
struct GGUFBytesBuilder {
    /// One metadata value. `tag` is the u32 type written before a top-level value and as the
    /// element type of an array; `body` is everything after it.
    indirect enum Value {
        case u8(UInt8), i8(Int8), u16(UInt16), i16(Int16), u32(UInt32), i32(Int32)
        case u64(UInt64), i64(Int64), f32(Float), f64(Double)
        case bool(Bool)
        /// Any byte written where a bool goes (0/1 are the only legal ones).
        case boolByte(UInt8)
        case string(String)
        /// A gguf_string whose length field says `length` but whose bytes are `bytes`.
        case lyingString(length: UInt64, bytes: [UInt8])
        /// An array: element type id, claimed count (nil: the true count) and the elements,
        /// each written without its own type tag (nested arrays carry their own header).
        case array(elementType: UInt32, count: UInt64? = nil, elements: [Value])
        /// Any type id followed by any bytes.
        case raw(type: UInt32, bytes: [UInt8])

        var tag: UInt32 {
            switch self {
            case .u8: return 0
            case .i8: return 1
            case .u16: return 2
            case .i16: return 3
            case .u32: return 4
            case .i32: return 5
            case .f32: return 6
            case .bool, .boolByte: return 7
            case .string, .lyingString: return 8
            case .array: return 9
            case .u64: return 10
            case .i64: return 11
            case .f64: return 12
            case .raw(let t, _): return t
            }
        }

        /// Arrays of well-typed elements, with the element type taken from the Swift type.
        static func u8s(_ a: [UInt8]) -> Value { .array(elementType: 0, elements: a.map(Value.u8)) }
        static func i32s(_ a: [Int32]) -> Value { .array(elementType: 5, elements: a.map(Value.i32)) }
        static func u32s(_ a: [UInt32]) -> Value { .array(elementType: 4, elements: a.map(Value.u32)) }
        static func u64s(_ a: [UInt64]) -> Value { .array(elementType: 10, elements: a.map(Value.u64)) }
        static func i64s(_ a: [Int64]) -> Value { .array(elementType: 11, elements: a.map(Value.i64)) }
        static func f32s(_ a: [Float]) -> Value { .array(elementType: 6, elements: a.map(Value.f32)) }
        static func f64s(_ a: [Double]) -> Value { .array(elementType: 12, elements: a.map(Value.f64)) }
        static func strings(_ a: [String]) -> Value { .array(elementType: 8, elements: a.map(Value.string)) }
        static func bools(_ a: [Bool]) -> Value { .array(elementType: 7, elements: a.map(Value.bool)) }
        /// `depth` levels of arrays around one int32 array [1, 2].
        static func nested(depth: Int) -> Value {
            var v = i32s([1, 2])
            for _ in 1..<max(depth, 1) { v = .array(elementType: 9, elements: [v]) }
            return v
        }
    }

    struct Tensor {
        var name: [UInt8]
        /// The name length field; nil: the true length.
        var nameLength: UInt64? = nil
        var dims: [UInt64]
        /// The dimension count field; nil: `dims.count`.
        var nDims: UInt32? = nil
        var type: UInt32
        var offset: UInt64

        init(_ name: String, dims: [UInt64], type: UInt32, offset: UInt64 = 0) {
            self.name = Array(name.utf8)
            self.dims = dims
            self.type = type
            self.offset = offset
        }
    }

    var magic: [UInt8] = Array("GGUF".utf8)
    var version: UInt32 = 3
    /// Header counts; nil: the true counts.
    var tensorCount: UInt64? = nil
    var kvCount: UInt64? = nil
    var metadata: [(key: [UInt8], keyLength: UInt64?, value: Value)] = []
    var tensors: [Tensor] = []
    /// Alignment used to pad before the data blob (writing the key is separate: `align(_:)`).
    var dataAlignment = 32
    /// Exact number of padding bytes after the tensor infos; nil: pad to `dataAlignment`.
    var padding: Int? = nil
    /// The tensor data blob (placed at data_start).
    var data: [UInt8] = []
    /// Bytes appended after the data blob.
    var trailing: [UInt8] = []

    init() {}

    mutating func add(_ key: String, _ value: Value) {
        metadata.append((Array(key.utf8), nil, value))
    }

    /// A metadata key whose length field lies.
    mutating func add(rawKey: [UInt8], keyLength: UInt64?, _ value: Value) {
        metadata.append((rawKey, keyLength, value))
    }

    /// Writes `general.alignment` (uint32) and pads the data section to it.
    mutating func align(_ a: UInt32) {
        add("general.alignment", .u32(a))
        if a > 0, a & (a - 1) == 0 { dataAlignment = Int(a) }
    }

    /// Adds a tensor whose bytes go at the next aligned offset of the data blob, the way a
    /// correct writer lays them out. Returns the relative offset used.
    @discardableResult
    mutating func addTensor(_ name: String, dims: [UInt64], type: GGMLType, bytes: [UInt8]? = nil, fill: UInt8 = 0) -> UInt64 {
        let offset = (data.count + dataAlignment - 1) / dataAlignment * dataAlignment
        data += [UInt8](repeating: 0, count: offset - data.count)
        let n = dims.reduce(1, *)
        let size = Int(n) / type.blockSize * type.blockBytes
        let payload = bytes ?? [UInt8](repeating: fill, count: size)
        precondition(payload.count == size, "builder: \(name) needs \(size) bytes")
        data += payload
        tensors.append(Tensor(name, dims: dims, type: type.rawValue, offset: UInt64(offset)))
        return UInt64(offset)
    }

    /// Adds only a tensor info (any type id, any offset); the data blob is left alone.
    mutating func addTensorInfo(_ tensor: Tensor) {
        tensors.append(tensor)
    }

    // MARK: Encoding

    /// Byte offset where the tensor infos end (before padding).
    var endOfTensorInfos: Int { headerAndInfos().count }

    /// Byte offset of the data blob.
    var dataStart: Int {
        let end = endOfTensorInfos
        return end + (padding ?? ((end + dataAlignment - 1) / dataAlignment * dataAlignment - end))
    }

    func bytes() -> [UInt8] {
        var out = headerAndInfos()
        let pad = padding ?? ((out.count + dataAlignment - 1) / dataAlignment * dataAlignment - out.count)
        out += [UInt8](repeating: 0, count: pad)
        out += data
        out += trailing
        return out
    }

    private func headerAndInfos() -> [UInt8] {
        var out: [UInt8] = magic
        Self.put(&out, version)
        Self.put(&out, tensorCount ?? UInt64(tensors.count))
        Self.put(&out, kvCount ?? UInt64(metadata.count))
        for kv in metadata {
            Self.put(&out, kv.keyLength ?? UInt64(kv.key.count))
            out += kv.key
            Self.put(&out, kv.value.tag)
            Self.body(&out, kv.value)
        }
        for t in tensors {
            Self.put(&out, t.nameLength ?? UInt64(t.name.count))
            out += t.name
            Self.put(&out, t.nDims ?? UInt32(t.dims.count))
            for d in t.dims { Self.put(&out, d) }
            Self.put(&out, t.type)
            Self.put(&out, t.offset)
        }
        return out
    }

    static func put<T: FixedWidthInteger>(_ out: inout [UInt8], _ v: T) {
        withUnsafeBytes(of: v.littleEndian) { out += $0 }
    }

    static func body(_ out: inout [UInt8], _ v: Value) {
        switch v {
        case .u8(let x): put(&out, x)
        case .i8(let x): put(&out, x)
        case .u16(let x): put(&out, x)
        case .i16(let x): put(&out, x)
        case .u32(let x): put(&out, x)
        case .i32(let x): put(&out, x)
        case .u64(let x): put(&out, x)
        case .i64(let x): put(&out, x)
        case .f32(let x): put(&out, x.bitPattern)
        case .f64(let x): put(&out, x.bitPattern)
        case .bool(let b): out.append(b ? 1 : 0)
        case .boolByte(let b): out.append(b)
        case .string(let s):
            put(&out, UInt64(s.utf8.count))
            out += Array(s.utf8)
        case .lyingString(let length, let bytes):
            put(&out, length)
            out += bytes
        case .array(let elementType, let count, let elements):
            put(&out, elementType)
            put(&out, count ?? UInt64(elements.count))
            for e in elements { body(&out, e) }
        case .raw(_, let bytes):
            out += bytes
        }
    }
}

/// Temporary files for one test case, removed afterwards.
final class TempFiles {
    let directory: URL

    init() {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("gguf-tests-\(getpid())-\(UUID().uuidString)", isDirectory: true)
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Writes `bytes` to the file `name` (replacing it) and returns its path. Plain POSIX
    /// calls: the mutation tests write thousands of files.
    func write(_ bytes: [UInt8], name: String = "test.gguf") -> String {
        let path = directory.appendingPathComponent(name).path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { XCTFail("cannot create \(path)"); return path }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { posixWrite(fd, $0.baseAddress, $0.count) }
        XCTAssertEqual(written, bytes.count, path)
        return path
    }

    func write(_ builder: GGUFBytesBuilder, name: String = "test.gguf") -> String {
        write(builder.bytes(), name: name)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: directory) }
}

/// Asserts that `description` is a single line that starts with the file's path.
func assertOneLine(_ error: GGUFError, path: String, file: StaticString = #filePath, line: UInt = #line) {
    let d = error.description
    XCTAssertTrue(d.hasPrefix(path + ": "), "description does not start with the file: \(d)", file: file, line: line)
    XCTAssertFalse(d.contains(where: { $0.isNewline }), "description is not one line: \(d.debugDescription)", file: file, line: line)
    XCTAssertEqual(error.file, path, file: file, line: line)
}

/// Parses `path`, expecting a GGUFError; returns it after checking its description.
@discardableResult
func parseError(_ path: String, file: StaticString = #filePath, line: UInt = #line) -> GGUFError? {
    do {
        let g = try GGUFFile(path: path)
        XCTFail("expected an error, parsed \(g.tensorInfos.count) tensors", file: file, line: line)
        return nil
    } catch {
        assertOneLine(error, path: path, file: file, line: line)
        return error
    }
}

/// Parses `path`, expecting exactly `problem`.
func assertProblem(_ path: String, _ problem: GGUFError.Problem, file: StaticString = #filePath, line: UInt = #line) {
    guard let e = parseError(path, file: file, line: line) else { return }
    XCTAssertEqual(e.problem, problem, file: file, line: line)
}

/// Parses a builder's bytes, expecting exactly `problem`; returns the error for more checks.
@discardableResult
func assertProblem(_ builder: GGUFBytesBuilder, in files: TempFiles, _ problem: GGUFError.Problem,
                   file: StaticString = #filePath, line: UInt = #line) -> GGUFError? {
    let path = files.write(builder)
    guard let e = parseError(path, file: file, line: line) else { return nil }
    XCTAssertEqual(e.problem, problem, file: file, line: line)
    return e
}
