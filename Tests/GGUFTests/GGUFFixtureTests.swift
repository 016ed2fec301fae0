import Foundation
import XCTest
@testable import GGUF
import TestSupport

/// Reads the files gguf-py's GGUFWriter wrote (Tools/make_gguf_fixtures.py) and compares every
/// value with the manifest the script wrote next to them: an oracle independent of this reader.
final class GGUFFixtureTests: XCTestCase {
    private func manifest() throws -> [[String: Any]] {
        let url = TestEnvironment.fixture("gguf/manifest.json")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        return try XCTUnwrap(json?["files"] as? [[String: Any]])
    }

    private func entry(_ file: String) throws -> [String: Any] {
        try XCTUnwrap(try manifest().first { $0["file"] as? String == file }, "no manifest entry for \(file)")
    }

    private func open(_ entry: [String: Any]) throws -> GGUFFile {
        let name = try XCTUnwrap(entry["file"] as? String)
        return try GGUFFile(path: TestEnvironment.fixture("gguf/" + name).path)
    }

    func testManifestListsTheThreeFixtures() throws {
        let files = try manifest().compactMap { $0["file"] as? String }
        XCTAssertEqual(files, ["metadata_all_types.gguf", "tensors_align64.gguf", "v2_small.gguf"])
    }

    func testHeaderAndLayoutOfEveryFixture() throws {
        for e in try manifest() {
            let g = try open(e)
            let name = e["file"] as! String
            XCTAssertEqual(Int(g.version), e["version"] as? Int, name)
            XCTAssertEqual(g.alignment, e["alignment"] as? Int, name)
            XCTAssertEqual(g.dataOffset, e["data_offset"] as? Int, name)
            XCTAssertEqual(g.fileSize, e["file_size"] as? Int, name)
            XCTAssertEqual(g.tensorInfos.count, e["tensor_count"] as? Int, name)
            XCTAssertEqual(g.metadata.keys.count, e["kv_count"] as? Int, name)
        }
    }

    func testVersion2FileReadsLikeVersion3() throws {
        let e = try entry("v2_small.gguf")
        let g = try open(e)
        XCTAssertEqual(g.version, 2)
        XCTAssertEqual(try g.metadata.string("fixture.version_note"), "version patched from 3 to 2")
        XCTAssertEqual(try g.metadata.int("fixture.count"), 3)
        XCTAssertEqual(g.alignment, 32)
    }

    func testEveryMetadataValueMatchesTheManifest() throws {
        for e in try manifest() {
            let g = try open(e)
            let name = e["file"] as! String
            let expected = try XCTUnwrap(e["metadata"] as? [[String: Any]])
            XCTAssertEqual(g.metadata.keys, expected.map { $0["key"] as! String }, "key order in \(name)")
            for kv in expected {
                let key = kv["key"] as! String
                let value = try XCTUnwrap(g.metadata[key], "\(name): \(key) missing")
                let type = kv["type"] as! String
                if type == "array" {
                    guard case .array(let a) = value else { XCTFail("\(key): not an array: \(value)"); continue }
                    checkArray(a, kv, at: "\(name) \(key)")
                } else {
                    checkScalar(value, type: type, kv["value"]!, at: "\(name) \(key)")
                }
            }
        }
    }

    func testTypedGettersOnTheAllTypesFixture() throws {
        let g = try open(try entry("metadata_all_types.gguf"))
        let m = g.metadata
        XCTAssertEqual(try m.int("test.uint8"), 255)
        XCTAssertEqual(try m.int("test.int8"), -128)
        XCTAssertEqual(try m.int("test.uint16"), 65535)
        XCTAssertEqual(try m.int("test.int16"), -32768)
        XCTAssertEqual(try m.int("test.uint32"), 4_294_967_295)
        XCTAssertEqual(try m.int("test.int32"), -2_147_483_648)
        XCTAssertEqual(try m.int("test.int64"), Int.min)
        XCTAssertEqual(try m.int("test.int_small_i64"), 640)
        XCTAssertEqual(try m.int("fixture.block_count"), 18)
        XCTAssertEqual(try m.float("test.float32"), Double(Float(3.14159265)))
        XCTAssertEqual(try m.float("test.float64"), -2.718281828459045)
        XCTAssertEqual(try m.float("test.uint8"), 255)
        XCTAssertEqual(try m.bool("test.bool_true"), true)
        XCTAssertEqual(try m.bool("test.bool_false"), false)
        XCTAssertEqual(try m.string("test.string"), "héllo, wörld — 世界 🩺")
        XCTAssertEqual(try m.string("test.string_empty"), "")
        XCTAssertEqual(try m.string("test.string_controls"), "line1\nline2\ttab\u{0}nul")
        XCTAssertEqual(try m.stringArray("test.arr.string"), ["<pad>", "", "▁the", "🩺", "a\nb"])
        XCTAssertEqual(try m.intArray("test.arr.int8"), [-128, -1, 0, 1, 127])
        XCTAssertEqual(try m.intArray("test.arr.uint32"), [0, 1, 4_294_967_295])
        XCTAssertEqual(try m.intArray("test.arr.int64"), [Int.min, 0, Int.max])
        XCTAssertEqual(try m.intOrPerLayer("fixture.feed_forward_length"), [2048, 4096])
        XCTAssertEqual(try m.intOrPerLayer("fixture.block_count"), [18])
        let f = try XCTUnwrap(try m.floatArray("test.arr.float64"))
        XCTAssertEqual(f.count, 6)
        XCTAssertEqual(f[2], 2.5)
        XCTAssertTrue(f[5].isNaN)
        XCTAssertNil(try m.int("no.such.key"))
        XCTAssertFalse(m.contains("no.such.key"))
        XCTAssertTrue(g.tensorInfos.isEmpty)
    }

    func testEveryTensorMatchesTheManifest() throws {
        for e in try manifest() {
            let name = e["file"] as! String
            let mapping = try MappedFile(path: TestEnvironment.fixture("gguf/" + name).path)
            let g = try GGUFFile(mapping: mapping)
            let expected = try XCTUnwrap(e["tensors"] as? [[String: Any]])
            XCTAssertEqual(g.tensorInfos.map(\.name), expected.map { $0["name"] as! String }, name)
            for t in expected {
                let tname = t["name"] as! String
                let info = try XCTUnwrap(g.info(named: tname), "\(name): \(tname)")
                XCTAssertEqual(info.shape, t["shape"] as? [Int], tname)
                XCTAssertEqual(Int(info.type.rawValue), t["type"] as? Int, tname)
                XCTAssertEqual(info.type.name, t["type_name"] as? String, tname)
                XCTAssertEqual(info.fileOffset, t["file_offset"] as? Int, tname)
                XCTAssertEqual(info.fileOffset - g.dataOffset, t["offset"] as? Int, tname)
                XCTAssertEqual(info.byteCount, t["n_bytes"] as? Int, tname)
                XCTAssertEqual(info.fileOffset % g.alignment, 0, tname)
                let tensor = try g.requireTensor(tname)
                XCTAssertEqual(hex(tensor.data), t["data"] as? String, "\(tname) bytes")
                // Zero-copy: the view points into the mapping at the tensor's offset.
                XCTAssertEqual(tensor.data.baseAddress, mapping.bytes.baseAddress.map { $0 + info.fileOffset }, tname)
                // Rows tile the data exactly.
                XCTAssertEqual(info.rowCount * info.rowBytes, info.byteCount, tname)
                var rows: [UInt8] = []
                for r in 0..<info.rowCount { rows += Array(tensor.row(r)) }
                XCTAssertEqual(rows, Array(tensor.data), "\(tname) rows")
            }
        }
    }

    func testKnownTensorValues() throws {
        let g = try open(try entry("tensors_align64.gguf"))
        XCTAssertEqual(g.alignment, 64)
        XCTAssertEqual(try g.metadata.int("general.alignment"), 64)
        let f32 = try g.requireTensor("f32.matrix")
        XCTAssertEqual(f32.shape, [5, 3])
        XCTAssertEqual(f32.type, .f32)
        let values = (0..<15).map { f32.data.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) }
        XCTAssertEqual(values, (0..<15).map { Float($0) * 0.25 - 1 })
        let q4k = try g.requireTensor("q4_k.matrix")
        XCTAssertEqual(q4k.shape, [256, 2])
        XCTAssertEqual(q4k.info.rowBytes, 144)
        XCTAssertEqual(Array(q4k.row(1).prefix(3)), [(144 * 7 + 3) % 256, (145 * 7 + 3) % 256, (146 * 7 + 3) % 256].map(UInt8.init))
        XCTAssertEqual(try g.requireTensor("q6_k.cube").shape, [256, 1, 2])
        XCTAssertEqual(try g.requireTensor("f32.4d").info.elementCount, 12)
        XCTAssertEqual(try g.requireTensor("q8_0.matrix").info.rowBytes, 68)
        XCTAssertNil(g.tensor(named: "missing"))
        XCTAssertThrowsError(try g.requireTensor("missing")) { error in
            XCTAssertEqual((error as? GGUFError)?.problem, .missingTensor("missing"))
        }
    }

    func testTensorViewOutlivesTheFile() throws {
        var g: GGUFFile? = try open(try entry("v2_small.gguf"))
        let t = try XCTUnwrap(g?.tensor(named: "v2.weight"))
        g = nil
        XCTAssertEqual((0..<8).map { t.data.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) }, [1, 2, 3, 4, 5, 6, 7, 8])
    }

    // MARK: Comparison with the manifest's encoding

    private func hex(_ b: UnsafeRawBufferPointer) -> String {
        let digits = Array("0123456789abcdef")
        var s = ""
        s.reserveCapacity(b.count * 2)
        for x in b { s.append(digits[Int(x >> 4)]); s.append(digits[Int(x & 15)]) }
        return s
    }

    private func bits(_ v: Any) -> UInt64 {
        let s = (v as! String)
        return UInt64(s.dropFirst(2), radix: 16)!
    }

    private func checkScalar(_ value: GGUFValue, type: String, _ json: Any, at place: String) {
        let s = json as? String
        switch (type, value) {
        case ("uint8", .uint8(let v)): XCTAssertEqual(String(v), s, place)
        case ("int8", .int8(let v)): XCTAssertEqual(String(v), s, place)
        case ("uint16", .uint16(let v)): XCTAssertEqual(String(v), s, place)
        case ("int16", .int16(let v)): XCTAssertEqual(String(v), s, place)
        case ("uint32", .uint32(let v)): XCTAssertEqual(String(v), s, place)
        case ("int32", .int32(let v)): XCTAssertEqual(String(v), s, place)
        case ("uint64", .uint64(let v)): XCTAssertEqual(String(v), s, place)
        case ("int64", .int64(let v)): XCTAssertEqual(String(v), s, place)
        case ("float32", .float32(let v)): XCTAssertEqual(UInt64(v.bitPattern), bits(json), place)
        case ("float64", .float64(let v)): XCTAssertEqual(v.bitPattern, bits(json), place)
        case ("bool", .bool(let v)): XCTAssertEqual(v, json as? Bool, place)
        case ("string", .string(let v)): XCTAssertEqual(Array(v.unicodeScalars), s.map { Array($0.unicodeScalars) }, place)
        default: XCTFail("\(place): expected \(type), read \(value)")
        }
    }

    private func checkArray(_ a: GGUFArray, _ json: [String: Any], at place: String) {
        let elem = json["elem"] as! String
        let items = json["value"] as! [Any]
        XCTAssertEqual(a.count, items.count, "\(place) count")
        XCTAssertEqual(a.elementTypeName, elem, "\(place) element type")
        guard a.count == items.count else { return }
        func each<T>(_ xs: [T], _ wrap: (T) -> GGUFValue) {
            for (i, x) in xs.enumerated() { checkScalar(wrap(x), type: elem, items[i], at: "\(place)[\(i)]") }
        }
        switch a {
        case .uint8(let xs): each(xs, GGUFValue.uint8)
        case .int8(let xs): each(xs, GGUFValue.int8)
        case .uint16(let xs): each(xs, GGUFValue.uint16)
        case .int16(let xs): each(xs, GGUFValue.int16)
        case .uint32(let xs): each(xs, GGUFValue.uint32)
        case .int32(let xs): each(xs, GGUFValue.int32)
        case .uint64(let xs): each(xs, GGUFValue.uint64)
        case .int64(let xs): each(xs, GGUFValue.int64)
        case .float32(let xs): each(xs, GGUFValue.float32)
        case .float64(let xs): each(xs, GGUFValue.float64)
        case .bool(let xs): each(xs, GGUFValue.bool)
        case .string(let xs): each(xs, GGUFValue.string)
        case .array(let inner):
            for (i, x) in inner.enumerated() { checkArray(x, items[i] as! [String: Any], at: "\(place)[\(i)]") }
        }
    }
}
