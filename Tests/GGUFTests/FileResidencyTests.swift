import Foundation
import TestSupport
import XCTest
@testable import GGUF

/// Files read into huge-page memory (`FileResidency.memory`) against the same files mapped:
/// the same bytes and tensors, an aligned region, and the choice between the two.
final class FileResidencyTests: XCTestCase {
    func testMemoryCopyHoldsTheFileBytesOnAHugePageBoundary() throws {
        for name in ["tensors_align64.gguf", "v2_small.gguf", "metadata_all_types.gguf"] {
            let path = TestEnvironment.fixture("gguf/" + name).path
            let mapped = try MappedFile(path: path), resident = try MappedFile(path: path, residency: .memory)
            XCTAssertEqual(mapped.residency, .mapped, name)
            XCTAssertEqual(resident.residency, .memory, name)
            XCTAssertEqual(resident.size, mapped.size, name)
            XCTAssertEqual(Array(resident.bytes), Array(mapped.bytes), name)
            XCTAssertEqual(Array(resident.bytes), Array(try Data(contentsOf: URL(fileURLWithPath: path))), name)
            XCTAssertEqual(Int(bitPattern: resident.bytes.baseAddress) % MappedFile.hugePage, 0, name)
        }
    }

    func testTensorsReadTheSameFromMemory() throws {
        let path = TestEnvironment.fixture("gguf/tensors_align64.gguf").path
        let mapped = try GGUFFile(path: path), resident = try GGUFFile(path: path, residency: .memory)
        XCTAssertEqual(resident.residency, .memory)
        XCTAssertEqual(mapped.residency, .mapped)
        XCTAssertFalse(mapped.tensorInfos.isEmpty)
        for info in mapped.tensorInfos {
            XCTAssertEqual(Array(try resident.requireTensor(info.name).data), Array(try mapped.requireTensor(info.name).data), info.name)
        }
    }

    /// A file larger than one `pread` chunk is read whole (the loop, not one call).
    func testFileLargerThanOneReadIsReadWhole() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("residency-\(UUID().uuidString).bin")
        defer { try? FileManager.default.removeItem(at: url) }
        var bytes = [UInt8](repeating: 0, count: MappedFile.readChunk + 12_345)
        var state: UInt32 = 0x1234_5678
        for i in bytes.indices {
            state = state &* 1_664_525 &+ 1_013_904_223
            bytes[i] = UInt8(truncatingIfNeeded: state >> 24)
        }
        try Data(bytes).write(to: url)
        let file = try MappedFile(path: url.path, residency: .memory)
        XCTAssertEqual(file.residency, .memory)
        XCTAssertEqual(file.size, bytes.count)
        XCTAssertTrue(Array(file.bytes) == bytes, "the copy differs from the file")
    }

    func testEmptyFileIsEmptyEitherWay() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("residency-empty-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data().write(to: url)
        XCTAssertEqual(try MappedFile(path: url.path, residency: .memory).size, 0)
        XCTAssertThrowsError(try GGUFFile(path: url.path, residency: .memory)) { error in
            XCTAssertTrue("\(error)".contains(url.path), "\(error)")
        }
    }

    /// A file large enough to be read into memory but not a GGUF file is refused with the
    /// usual one-line error naming it (it is parsed on its mapping before anything is copied).
    func testLargeHostileFileIsRefusedLikeAMappedOne() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("residency-hostile-\(UUID().uuidString).gguf")
        defer { try? FileManager.default.removeItem(at: url) }
        // Sparse: "GGUF", version 3, then a tensor count no file of this size could hold.
        var header = Array("GGUF".utf8) + [3, 0, 0, 0]
        header += [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F] + [UInt8](repeating: 0, count: 8)
        try Data(header).write(to: url)
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(FileResidency.minimumResidentSize) + 4096)
        try handle.close()
        XCTAssertThrowsError(try GGUFFile(path: url.path, residency: .memoryIfItFits)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains(url.path) && text.contains("tensor"), text)
            XCTAssertFalse(text.contains("\n"), text)
        }
    }

    func testAutomaticChoice() {
        let gib = 1 << 30
        let fits = FileResidency.memoryIfItFits
        XCTAssertEqual(fits.resolved(size: 2 * gib, environment: nil, available: { 8 * gib }), .memory)
        // The margin is kept free.
        XCTAssertEqual(fits.resolved(size: 2 * gib, environment: nil, available: { 3 * gib - 1 }), .mapped)
        XCTAssertEqual(fits.resolved(size: 2 * gib, environment: nil, available: { 3 * gib }), .memory)
        XCTAssertEqual(fits.resolved(size: 2 * gib, environment: nil, available: { nil }), .mapped)
        XCTAssertEqual(fits.resolved(size: 2 * gib, environment: "mapped", available: { 8 * gib }), .mapped)
        XCTAssertEqual(fits.resolved(size: 2 * gib, environment: "MMAP", available: { 8 * gib }), .mapped)
        XCTAssertEqual(fits.resolved(size: 2 * gib, environment: "anything", available: { 8 * gib }), .memory)
        // Small files stay mapped.
        XCTAssertEqual(fits.resolved(size: gib - 1, environment: nil, available: { 8 * gib }), .mapped)
        XCTAssertEqual(fits.resolved(size: gib, environment: nil, available: { 8 * gib }), .memory)
        // Explicit choices are kept.
        XCTAssertEqual(FileResidency.mapped.resolved(size: 1, environment: nil, available: { 8 * gib }), .mapped)
        XCTAssertEqual(FileResidency.memory.resolved(size: 1, environment: "mapped", available: { 0 }), .memory)
    }

    func testAvailableMemoryIsReadFromProcMeminfo() throws {
        let text = try String(contentsOfFile: "/proc/meminfo", encoding: .utf8)
        let line = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("MemAvailable:") })
        let kib = try XCTUnwrap(Int(line.split(separator: " ")[1]))
        let read = try XCTUnwrap(FileResidency.availableMemory())
        // Read a moment apart: within 256 MiB of each other.
        XCTAssertLessThan(abs(read - kib * 1024), 256 << 20)
    }
}
