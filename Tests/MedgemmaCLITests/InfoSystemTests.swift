import Foundation
import XCTest
import TestSupport

/// `medgemma info --system` against what /proc/cpuinfo says, read here independently.
final class InfoSystemTests: XCTestCase {
    /// The extensions the kernels look for, as the kernel reports them in /proc/cpuinfo.
    private func cpuFlags() throws -> Set<String> {
        let text = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let line = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("flags") })
        return Set(line.split(separator: ":")[1].split(separator: " ").map(String.init))
    }

    func testSystemCardNamesTheFastestPathAndTheCPUFlags() throws {
        let flags = try cpuFlags()
        let r = try CommandRunner.medgemma(["info", "--system"], environment: ["MEDGEMMA_KERNELS": ""])
        XCTAssertEqual(r.status, 0, r.stderr)
        let vnni = ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512_vnni"].allSatisfy(flags.contains)
        let expectedPath = vnni ? "avx512vnni (AVX-512 VNNI)" : flags.contains("avx_vnni") && flags.contains("avx2") ? "avxvnni (AVX-VNNI)"
            : flags.contains("avx2") ? "avx2 (AVX2)" : "portable (portable SIMD)"
        XCTAssertTrue(r.stdout.contains("  kernel path           \(expectedPath)\n"), r.stdout)
        let expectedExtensions = ["avx2", "avx512_vnni", "avx512_bf16", "avx_vnni"].filter {
            $0 == "avx512_vnni" ? vnni : $0 == "avx512_bf16" ? vnni && flags.contains($0) : flags.contains($0)
        }
        XCTAssertTrue(r.stdout.contains("  extensions            \(expectedExtensions.joined(separator: " "))\n"), r.stdout)
        if vnni {
            XCTAssertTrue(r.stdout.contains("  prompt batches        AVX-512 VNNI int8 matrix kernels (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q5_K, Q6_K)"), r.stdout)
            let bf16 = flags.contains("avx512_bf16") ? "AVX-512 BF16 (vdpbf16ps) for F16, BF16; " : ""
            XCTAssertTrue(r.stdout.contains("  vision tower          AVX-512 VNNI int8 matrix kernels for Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q5_K, Q6_K; \(bf16)others f32, OpenBLAS sgemm\n"),
                          r.stdout)
        }
    }

    func testPortablePathIsReportedWithTheReason() throws {
        let r = try CommandRunner.medgemma(["info", "--system", "--json"], environment: ["MEDGEMMA_KERNELS": "portable"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(root["kernel_path"] as? String, "portable")
        XCTAssertEqual((root["supported_paths"] as? [String])?.last, "portable")
        let work = try XCTUnwrap(root["work"] as? [String: String])
        XCTAssertEqual(work["prompt batches"], "weights dequantized to f32, OpenBLAS sgemm")
        XCTAssertEqual(work["vision tower"], "f32, OpenBLAS sgemm")
        XCTAssertEqual(work["decode (one token)"], "portable Swift integer dot products on the stored blocks")
        let text = try CommandRunner.medgemma(["info", "--system"], environment: ["MEDGEMMA_KERNELS": "portable"])
        XCTAssertTrue(text.stdout.contains("  kernel path           portable (portable SIMD); MEDGEMMA_KERNELS=portable"), text.stdout)
    }

    func testSystemTakesNoFile() throws {
        let r = try CommandRunner.medgemma(["info", "--system", "model.gguf"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("--system"), r.stderr)
    }
}
