import Adapters
import Foundation
import TestSupport
import XCTest

/// What an adapter will hold, from its header: LoRA values at 4 bytes each (converted to
/// f32), replaced matrices as stored.
final class AdapterFootprintTests: XCTestCase {
    /// The notebook-shaped folder: 20 LoRA pairs (f32 in the file) and two 512 × 48 BF16
    /// replacements, from the shapes peft wrote (Tests/Fixtures/peft/expected.json).
    func testPEFTFolderCountsLoRAAsFloatsAndReplacementsAsStored() throws {
        let data = try Data(contentsOf: TestEnvironment.fixture("peft/expected.json"))
        let json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let tensors = (json["folders"] as! [String: [String: Any]])["vision-all-linear"]!["tensors"] as! [String: [String: Any]]
        var expected = 0, replaced = 0
        for (name, t) in tensors {
            let count = (t["shape"] as! [Int]).reduce(1, *)
            if name.contains(".lora_") {
                expected += 4 * count
            } else {
                XCTAssertEqual(t["dtype"] as? String, "BF16", name)
                expected += 2 * count
                replaced += 1
            }
        }
        XCTAssertEqual(replaced, 2)
        XCTAssertEqual(AdapterFootprint.bytes(ofAdapterAt: TestEnvironment.fixture("peft/vision-all-linear").path), expected)
    }

    /// Rank 8 on all seven projections of the 270M's 18 layers (d 640, 4 heads of 256, one KV
    /// head, FFN 2048), stored F16 but held as f32.
    func testGGUFLoRACountsEveryValueAsAFloat() {
        let (d, q, kv, f, r) = (640, 1024, 256, 2048, 8)
        let perLayer = r * ((d + q) + 2 * (d + kv) + (q + d) + 3 * (d + f))
        XCTAssertEqual(AdapterFootprint.bytes(ofAdapterAt: TestEnvironment.fixture("lora/gemma-3-270m-rank8-f16.gguf").path),
                       4 * 18 * perLayer)
    }

    func testUnreadableAdapterHasNoFootprint() {
        XCTAssertNil(AdapterFootprint.bytes(ofAdapterAt: "/nonexistent/adapter"))
        XCTAssertNil(AdapterFootprint.bytes(ofAdapterAt: TestEnvironment.fixture("peft/expected.json").path))
    }
}
