import Foundation
import TestSupport
import XCTest
@testable import GGUF
import Glibc

/// Files that lie. Each must end in the exact `GGUFError.Problem`, described in one line that
/// names the file — never a crash, a hang, or an allocation sized by the lie.
final class GGUFHostileFileTests: XCTestCase {
    private var files: TempFiles!

    override func setUp() { files = TempFiles() }
    override func tearDown() { files = nil }

    typealias B = GGUFBytesBuilder

    /// A small valid file: a few keys and two tensors.
    private func valid() -> B {
        var b = B()
        b.add("general.architecture", .string("test"))
        b.add("test.count", .u32(7))
        b.add("test.list", .f32s([1, 2, 3]))
        b.addTensor("a.weight", dims: [32, 2], type: .q8_0, fill: 1)
        b.addTensor("b.weight", dims: [4], type: .f32, fill: 2)
        return b
    }

    func testTheBaseFileIsValid() throws {
        let b = valid()
        let g = try GGUFFile(path: files.write(b))
        XCTAssertEqual(g.tensorInfos.map(\.name), ["a.weight", "b.weight"])
        XCTAssertEqual(g.dataOffset, b.dataStart)
        XCTAssertEqual(g.tensorInfos[1].fileOffset + 16, g.fileSize)
    }

    // MARK: Not a GGUF file

    func testMissingFileDirectoryAndFIFO() throws {
        guard let e = parseError(files.path("does-not-exist.gguf")) else { return }
        guard case .cannotOpen = e.problem else { return XCTFail("\(e.problem)") }
        assertProblem(files.directory.path, .notAFile)
        // A FIFO must be refused at once, not block waiting for a writer.
        let fifo = files.path("fifo.gguf")
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        assertProblem(fifo, .notAFile)
    }

    func testEmptyFile() {
        assertProblem(files.write([]), .truncated(what: "magic", offset: 0))
    }

    func testBadMagic() {
        var b = valid()
        b.magic = Array("GGML".utf8)
        let e = assertProblem(b, in: files, .notGGUF(magic: Array("GGML".utf8)))
        XCTAssertTrue(e?.description.contains("\"GGML\"") ?? false)
        b.magic = [0x89, 0x50, 0x4E, 0x47]   // a PNG
        assertProblem(b, in: files, .notGGUF(magic: [0x89, 0x50, 0x4E, 0x47]))
        b.magic = Array("gguf".utf8)
        assertProblem(b, in: files, .notGGUF(magic: Array("gguf".utf8)))
    }

    func testBigEndianFile() {
        var b = valid()
        b.version = 0x0300_0000   // 3 written big-endian, read little-endian
        assertProblem(b, in: files, .bigEndian)
        b.version = 0x0200_0000
        assertProblem(b, in: files, .bigEndian)
    }

    func testUnsupportedVersions() {
        for v: UInt32 in [0, 1, 4, 0xFFFF_FFFF] {
            var b = valid()
            b.version = v
            let e = assertProblem(b, in: files, .unsupportedVersion(v))
            XCTAssertTrue(e?.description.contains("version \(v)") ?? false)
        }
    }

    // MARK: Truncation

    /// Every prefix of a valid file: none may crash; each fails with the problem its cut implies.
    func testEveryPrefixOfAValidFile() throws {
        let b = valid()
        let full = b.bytes()
        let endOfInfos = b.endOfTensorInfos
        let lastTensorEnd = b.dataStart + b.data.count
        XCTAssertEqual(lastTensorEnd, full.count)
        for n in 0..<full.count {
            let path = files.write(Array(full[0..<n]), name: "prefix.gguf")
            guard let e = parseError(path) else { XCTFail("prefix of \(n) bytes parsed"); continue }
            switch e.problem {
            case .truncated(let what, let offset):
                XCTAssertLessThan(n, endOfInfos, "prefix \(n): \(e)")
                XCTAssertLessThanOrEqual(offset, n, "prefix \(n): \(e)")
                if n < 4 { XCTAssertEqual(what, "magic") }
            case .countTooLarge:
                XCTAssertLessThan(n, endOfInfos, "prefix \(n): \(e)")
            case .tensorOutOfBounds(_, _, let size):
                XCTAssertGreaterThanOrEqual(n, endOfInfos, "prefix \(n): \(e)")
                XCTAssertEqual(size, n)
            default:
                XCTFail("prefix \(n): unexpected \(e)")
            }
        }
        XCTAssertNoThrow(try GGUFFile(path: files.write(full)))
    }

    func testCountsPastTheEndOfTheFile() {
        var b = valid()
        b.tensorCount = 1 << 63
        assertProblem(b, in: files, .countTooLarge(what: "tensor", count: 1 << 63))
        b = valid()
        b.kvCount = 1 << 63
        assertProblem(b, in: files, .countTooLarge(what: "metadata", count: 1 << 63))
        b = valid()
        b.kvCount = UInt64.max
        b.tensorCount = UInt64.max
        assertProblem(b, in: files, .countTooLarge(what: "metadata", count: .max))
        // A plausible but false count runs into the tensor infos and then off the end.
        b = valid()
        b.kvCount = 4
        guard let e = parseError(files.write(b)) else { return }
        XCTAssertNotNil(e.problem.text)   // any problem, one line (checked by parseError)
    }

    func testStringLengthsPastTheEnd() {
        var b = B()
        b.add(rawKey: Array("key".utf8), keyLength: 1 << 40, .u8(1))
        assertProblem(b, in: files, .truncated(what: "metadata key #0 (string of \(1 << 40) bytes)", offset: 24))
        b = B()
        b.add("k", .lyingString(length: UInt64.max, bytes: Array("abc".utf8)))
        assertProblem(b, in: files, .truncated(what: "value of \"k\" (string of \(UInt64.max) bytes)", offset: 24 + 9 + 4))
        b = B()
        b.add("k", .array(elementType: 8, elements: [.string("ok"), .lyingString(length: 1 << 62, bytes: [])]))
        let elementStart = 24 + 9 + 4 + 12 + 10
        assertProblem(b, in: files, .truncated(what: "element 1 of \"k\" (string of \(1 << 62) bytes)", offset: elementStart))
        b = B()
        var t = B.Tensor("t", dims: [4], type: 0)
        t.nameLength = 1 << 50
        b.addTensorInfo(t)
        b.data = [UInt8](repeating: 0, count: 64)
        assertProblem(b, in: files, .truncated(what: "name of tensor #0 (string of \(1 << 50) bytes)", offset: 24))
    }

    /// A count of 2^62 is refused as `countTooLarge` from the bytes left in the file: an
    /// allocation of that size would end the process, so reaching the check is the proof.
    func testHugeArrayCountsFailBeforeAllocating() {
        let elementTypes: [(UInt32, Int)] = [(10, 8), (0, 1), (7, 1), (8, 8), (9, 12), (12, 8), (4, 4)]
        for (type, size) in elementTypes {
            var b = B()
            b.add("big", .array(elementType: type, count: 1 << 62, elements: []))
            b.trailing = [UInt8](repeating: 0, count: 100)
            let e = assertProblem(b, in: files, .countTooLarge(what: "array \"big\"", count: 1 << 62))
            XCTAssertNotNil(e, "element type \(type) (\(size) bytes)")
        }
        // Exactly one element more than the bytes left can hold.
        var b = B()
        b.padding = 0
        b.add("big", .array(elementType: 10, count: 13, elements: (0..<12).map { .u64($0) }))
        assertProblem(b, in: files, .countTooLarge(what: "array \"big\"", count: 13))
        // A count that fits the bytes left but not the strings' true lengths.
        b = B()
        b.padding = 0
        b.add("s", .array(elementType: 8, count: 3, elements: [.string("abcdefghijklmnop")]))
        assertProblem(b, in: files, .truncated(what: "element 1 of \"s\"", offset: b.bytes().count))
    }

    func testArrayNestingLimit() throws {
        var b = B()
        b.add("ok", .nested(depth: GGUFFile.maxArrayDepth))
        let g = try GGUFFile(path: files.write(b))
        var v = try XCTUnwrap(g.metadata["ok"])
        for _ in 1..<GGUFFile.maxArrayDepth {
            guard case .array(.array(let inner)) = v, inner.count == 1 else { return XCTFail("\(v)") }
            v = .array(inner[0])
        }
        XCTAssertEqual(v, .array(.int32([1, 2])))

        b = B()
        b.add("deep", .nested(depth: GGUFFile.maxArrayDepth + 1))
        assertProblem(b, in: files, .nestingTooDeep(key: "deep"))
        // A huge claimed depth: arrays of one array each, 10 000 levels, stops at the limit.
        var deep: B.Value = .u8s([1])
        for _ in 0..<10_000 { deep = .array(elementType: 9, elements: [deep]) }
        b = B()
        b.add("deeper", deep)
        assertProblem(b, in: files, .nestingTooDeep(key: "deeper"))
    }

    func testUnknownMetadataValueTypes() {
        for t: UInt32 in [13, 255, 0xFFFF_FFFF] {
            var b = B()
            b.add("weird", .raw(type: t, bytes: [0, 0, 0, 0]))
            let e = assertProblem(b, in: files, .unknownValueType(key: "weird", type: t))
            XCTAssertTrue(e?.description.contains("type \(t)") ?? false)
            b = B()
            b.add("weird.array", .array(elementType: t, elements: []))
            assertProblem(b, in: files, .unknownValueType(key: "weird.array", type: t))
        }
    }

    func testDuplicateKey() {
        var b = valid()
        b.add("test.count", .string("again"))
        assertProblem(b, in: files, .duplicateKey("test.count"))
    }

    func testControlCharactersAndLongNamesStayOnOneLine() {
        var b = B()
        b.add("evil\nkey\r\u{1B}[31m", .u8(1))
        b.add("evil\nkey\r\u{1B}[31m", .u8(2))
        let e = assertProblem(b, in: files, .duplicateKey("evil\nkey\r\u{1B}[31m"))
        XCTAssertTrue(e?.description.contains("evil\\nkey\\r\\u{1b}[31m") ?? false, e?.description ?? "")
        b = B()
        let long = String(repeating: "k", count: 5000)
        b.add(long, .raw(type: 99, bytes: []))
        let e2 = assertProblem(b, in: files, .unknownValueType(key: long, type: 99))
        XCTAssertLessThan(e2?.description.count ?? 0, 400)
        // A path with a newline in it.
        let path = files.path("bad\nname.gguf")
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data("GGML".utf8)))
        do { _ = try GGUFFile(path: path); XCTFail("parsed") } catch {
            XCTAssertEqual(error.problem, .notGGUF(magic: Array("GGML".utf8)))
            XCTAssertFalse(error.description.contains("\n"))
            XCTAssertTrue(error.description.hasPrefix(files.path("bad\\nname.gguf")))
        }
    }

    // MARK: Tensor infos

    func testDuplicateTensorName() {
        var b = valid()
        b.addTensor("a.weight", dims: [4], type: .f32)
        assertProblem(b, in: files, .duplicateTensor("a.weight"))
    }

    func testBadTensorNames() throws {
        var b = B()
        b.addTensor("", dims: [4], type: .f32)
        assertProblem(b, in: files, .badTensorName(""))
        let long = String(repeating: "n", count: 64)
        b = B()
        b.addTensor(long, dims: [4], type: .f32)
        assertProblem(b, in: files, .badTensorName(long))
        // 63 bytes is ggml's limit (GGML_MAX_NAME 64 with the terminator) and is accepted.
        b = B()
        b.addTensor(String(repeating: "n", count: 63), dims: [4], type: .f32)
        XCTAssertEqual(try GGUFFile(path: files.write(b)).tensorInfos.first?.name.utf8.count, 63)
    }

    func testDimensionCounts() {
        for n: UInt32 in [0, 5, 0xFFFF_FFFF] {
            var b = B()
            var t = B.Tensor("t", dims: [4], type: 0)
            t.nDims = n
            b.addTensorInfo(t)
            b.trailing = [UInt8](repeating: 0, count: 64)
            let e = assertProblem(b, in: files, .badDimensionCount(tensor: "t", count: n))
            XCTAssertTrue(e?.description.contains("\(n) dimensions") ?? false)
        }
        var b = B()
        b.addTensorInfo(B.Tensor("t", dims: [1, 1, 1, 1, 4], type: 0))
        assertProblem(b, in: files, .badDimensionCount(tensor: "t", count: 5))
    }

    func testDimensionProductOverflow() {
        let cases: [[UInt64]] = [
            [1 << 40, 1 << 40],
            [1 << 63],                        // does not fit in Int
            [UInt64.max, 1],
            [2, 1 << 62],
            [1 << 62],                        // elements fit, F32 bytes (2^64) do not
            [0, 1 << 40, 1 << 40],            // zero elements, but the row count overflows
            [1 << 31, 1 << 31, 1 << 31, 1 << 31],
        ]
        for dims in cases {
            var b = B()
            b.addTensorInfo(B.Tensor("t", dims: dims, type: GGMLType.f32.rawValue))
            b.trailing = [UInt8](repeating: 0, count: 64)
            let e = assertProblem(b, in: files, .dimensionOverflow(tensor: "t"))
            XCTAssertNotNil(e, "\(dims)")
        }
        // Q8_0: 2^63 - 32 values fit in Int, but 2^58 - 1 blocks of 34 bytes do not.
        var b = B()
        b.addTensorInfo(B.Tensor("q", dims: [(1 << 63) - 32], type: GGMLType.q8_0.rawValue))
        assertProblem(b, in: files, .dimensionOverflow(tensor: "q"))
    }

    func testZeroSizedTensorIsAccepted() throws {
        var b = B()
        b.addTensorInfo(B.Tensor("empty", dims: [0, 7], type: GGMLType.f32.rawValue))
        let g = try GGUFFile(path: files.write(b))
        let t = try g.requireTensor("empty")
        XCTAssertEqual(t.info.byteCount, 0)
        XCTAssertEqual(t.info.rowCount, 7)
        XCTAssertEqual(t.row(6).count, 0)
    }

    func testUnknownTensorTypes() {
        for (type, label) in [(UInt32(16), "IQ2_XXS"), (999, "999"), (4, "Q4_2"), (39, "MXFP4"), (0xFFFF_FFFF, "4294967295")] {
            var b = B()
            b.addTensorInfo(B.Tensor("w", dims: [256], type: type))
            b.trailing = [UInt8](repeating: 0, count: 1024)
            let e = assertProblem(b, in: files, .unknownTensorType(tensor: "w", type: type))
            XCTAssertTrue(e?.description.contains(label) ?? false, e?.description ?? "")
            XCTAssertTrue(e?.description.contains("type \(type)") ?? false, e?.description ?? "")
        }
    }

    func testRowNotWholeBlocks() {
        var b = B()
        b.addTensorInfo(B.Tensor("blk.0.ffn_down.weight", dims: [100, 4], type: GGMLType.q4_K.rawValue))
        b.trailing = [UInt8](repeating: 0, count: 1024)
        let e = assertProblem(b, in: files, .rowNotWholeBlocks(tensor: "blk.0.ffn_down.weight", type: .q4_K, rowLength: 100))
        XCTAssertTrue(e?.description.contains("Q4_K") ?? false)
        b = B()
        b.addTensorInfo(B.Tensor("q", dims: [33], type: GGMLType.q8_0.rawValue))
        b.trailing = [UInt8](repeating: 0, count: 1024)
        assertProblem(b, in: files, .rowNotWholeBlocks(tensor: "q", type: .q8_0, rowLength: 33))
    }

    func testMisalignedTensorData() {
        var b = valid()
        b.tensors[1].offset += 16
        b.data += [UInt8](repeating: 0, count: 64)
        assertProblem(b, in: files, .tensorMisaligned(tensor: "b.weight", offset: b.tensors[1].offset, alignment: 32))
        // With general.alignment = 64, an offset aligned to 32 only is misaligned.
        b = B()
        b.align(64)
        b.addTensor("x", dims: [4], type: .f32)
        b.addTensorInfo(B.Tensor("y", dims: [4], type: 0, offset: 32))
        b.data += [UInt8](repeating: 0, count: 128)
        assertProblem(b, in: files, .tensorMisaligned(tensor: "y", offset: 32, alignment: 64))
    }

    func testTensorDataOutOfBounds() {
        // One byte short of the last tensor's end.
        var b = valid()
        var bytes = b.bytes()
        bytes.removeLast()
        let short = files.write(bytes)
        assertProblem(short, .tensorOutOfBounds(tensor: "b.weight", end: UInt64(bytes.count + 1), fileSize: bytes.count))
        // Offset past the end of the file.
        b = valid()
        b.tensors[0].offset = 1 << 20
        let size = b.bytes().count
        assertProblem(b, in: files, .tensorOutOfBounds(tensor: "a.weight", end: UInt64(b.dataStart + (1 << 20) + 68), fileSize: size))
        // Offset + size overflows UInt64 (the offset itself is aligned).
        b = valid()
        b.tensors[1].offset = UInt64.max - 31
        assertProblem(b, in: files, .tensorOutOfBounds(tensor: "b.weight", end: .max, fileSize: b.bytes().count))
        b = valid()
        b.tensors[0].offset = UInt64.max & ~31 - UInt64(b.dataStart & ~31)
        guard let e = parseError(files.write(b)) else { return }
        guard case .tensorOutOfBounds(let t, _, _) = e.problem, t == "a.weight" else { return XCTFail("\(e)") }
    }

    // MARK: Alignment

    func testAlignmentValues() throws {
        for a: UInt32 in [0, 3, 48, 0xFFFF_FFFF] {
            var b = valid()
            b.align(a)
            let e = assertProblem(b, in: files, .badAlignment(UInt64(a)))
            XCTAssertTrue(e?.description.contains("general.alignment \(a)") ?? false)
        }
        // Powers of two are fine, including 1 (data right after the infos).
        for a: UInt32 in [1, 8, 64, 4096] {
            var b = B()
            b.align(a)
            b.addTensor("t", dims: [8], type: .f32, fill: 3)
            let g = try GGUFFile(path: files.write(b))
            XCTAssertEqual(g.alignment, Int(a))
            XCTAssertEqual(g.dataOffset, b.dataStart)
            XCTAssertEqual(g.dataOffset % Int(a), 0)
            XCTAssertEqual(Array(try g.requireTensor("t").data), [UInt8](repeating: 3, count: 32))
        }
    }

    func testAlignmentOfTheWrongType() {
        let wrong: [(B.Value, String)] = [(.string("32"), "string"), (.u64(32), "uint64"), (.i32(32), "int32"),
                                          (.u16(32), "uint16"), (.f32(32), "float32"), (.u32s([32]), "array of 1 uint32")]
        for (value, found) in wrong {
            var b = valid()
            b.add("general.alignment", value)
            let e = assertProblem(b, in: files, .wrongMetadataType(key: "general.alignment", expected: "uint32", found: found))
            XCTAssertTrue(e?.description.contains(found) ?? false)
        }
    }

    // MARK: Values

    func testBoolBytesOtherThanZeroOrOne() {
        for byte: UInt8 in [2, 0x80, 0xFF] {
            var b = B()
            b.add("flag", .boolByte(byte))
            assertProblem(b, in: files, .invalidValue(key: "flag", reason: "bool byte is \(byte), not 0 or 1"))
            b = B()
            b.add("flags", .array(elementType: 7, elements: [.boolByte(1), .boolByte(0), .boolByte(byte)]))
            assertProblem(b, in: files, .invalidValue(key: "flags", reason: "bool byte is \(byte), not 0 or 1"))
        }
    }

    func testEmptyArraysOfEveryType() throws {
        var b = B()
        for t: UInt32 in 0...12 { b.add("empty.\(t)", .array(elementType: t, elements: [])) }
        let g = try GGUFFile(path: files.write(b))
        for t: UInt32 in 0...12 {
            guard case .array(let a) = g.metadata["empty.\(t)"] else { return XCTFail("empty.\(t)") }
            XCTAssertEqual(a.count, 0)
            XCTAssertEqual(a.elementTypeName, GGUFValueType(rawValue: t)?.name)
        }
    }

    func testInvalidUTF8IsReplacedNotTrusted() throws {
        var b = B()
        b.add("s", .lyingString(length: 3, bytes: [0xFF, 0xC3, 0x28]))
        b.add(rawKey: [0xFE, 0x41], keyLength: nil, .u8(1))
        let g = try GGUFFile(path: files.write(b))
        XCTAssertEqual(try g.metadata.string("s"), "\u{FFFD}\u{FFFD}(")
        XCTAssertEqual(g.metadata.keys.last, "\u{FFFD}A")
    }

    // MARK: Mutations

    /// Writes extreme values (as little-endian u64 and u32) at every byte offset of the header
    /// and tensor infos, so every count, length, type, dimension and offset field gets them.
    /// Every parse succeeds or throws; every tensor a successful parse returns is in bounds.
    func testExtremeValuesAtEveryHeaderOffset() throws {
        var b = valid()
        b.add("test.flag", .bool(true))
        b.addTensor("z.weight", dims: [0, 3], type: .f32)
        let original = b.bytes()
        // u64 fields (counts, lengths, dimensions, offsets) and u32 fields (version, types, n_dims).
        let writes: [(UInt64, Int)] = [0, 13, 1 << 40, 1 << 62, 1 << 63, .max - 31, .max].map { ($0, 8) }
            + [0, 5, 0xFFFF_FFFF].map { ($0, 4) }
        var outcomes = 0
        for pos in 4..<b.endOfTensorInfos {
            for (v, width) in writes {
                var bytes = original
                for k in 0..<width where pos + k < bytes.count { bytes[pos + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
                let path = files.write(bytes, name: "sweep.gguf")
                do {
                    let g = try GGUFFile(path: path)
                    for info in g.tensorInfos {
                        XCTAssertLessThanOrEqual(info.fileOffset + info.byteCount, g.fileSize)
                        XCTAssertEqual(info.rowCount * info.rowBytes, info.byteCount)
                        XCTAssertEqual(info.elementCount, info.shape.reduce(1, *))
                    }
                } catch {
                    XCTAssertFalse(error.description.contains(where: { $0.isNewline }), error.description)
                }
                outcomes += 1
            }
        }
        XCTAssertEqual(outcomes, (b.endOfTensorInfos - 4) * writes.count)
    }

    /// A few thousand seeded mutations of a valid fixture: every parse succeeds or throws a
    /// GGUFError (a hang would stop the suite), and every tensor a successful parse returns is in bounds.
    func testRandomMutationsNeverCrash() throws {
        var b = valid()
        b.add("test.strings", .strings(["alpha", "", "gamma"]))
        b.add("test.nested", .array(elementType: 9, elements: [.u64s([1, 2]), .bools([true])]))
        b.add("test.flag", .bool(true))
        b.addTensor("c.weight", dims: [256, 1], type: .q4_K, fill: 5)
        let original = b.bytes()
        let header = b.endOfTensorInfos
        var rng = SplitMix64(seed: 0x6767_5546_2024)
        let interesting: [UInt64] = [0, 1, 0x7F, 0x80, 0xFF, 0xFFFF, 0x7FFF_FFFF, 0xFFFF_FFFF, 1 << 62, 1 << 63, .max, 63, 64, 4, 5]
        var parsed = 0, failed = 0
        for _ in 0..<3000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                // Mostly the header and tensor infos, where the structure is.
                let limit = Int.random(in: 0..<10, using: &rng) < 8 ? min(header, bytes.count) : bytes.count
                let pos = Int.random(in: 0..<limit, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: bytes[pos] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &rng)
                case 1: bytes[pos] = UInt8.random(in: 0...255, using: &rng)
                case 2:
                    let v = interesting.randomElement(using: &rng)!
                    for k in 0..<8 where pos + k < bytes.count { bytes[pos + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
                default:
                    bytes.removeLast(Int.random(in: 0...min(64, bytes.count), using: &rng))
                }
                if bytes.isEmpty { break }
            }
            let path = files.write(bytes, name: "mutant.gguf")
            do {
                let g = try GGUFFile(path: path)
                parsed += 1
                for info in g.tensorInfos {
                    let t = try g.requireTensor(info.name)
                    XCTAssertLessThanOrEqual(info.fileOffset + info.byteCount, g.fileSize)
                    XCTAssertEqual(info.rowCount * info.rowBytes, info.byteCount)
                    var sum = 0
                    for byte in t.data { sum &+= Int(byte) }
                    if info.rowCount > 0 && info.byteCount > 0 { sum &+= Int(t.row(info.rowCount - 1).count) }
                    _ = sum
                }
            } catch {
                failed += 1
                XCTAssertFalse(error.description.contains(where: { $0.isNewline }), error.description)
                XCTAssertTrue(error.description.hasPrefix(path + ": "))
            }
        }
        XCTAssertEqual(parsed + failed, 3000)
        XCTAssertGreaterThan(failed, 0)
        XCTAssertGreaterThan(parsed, 0)
    }
}
