import Foundation
import XCTest

/// A study folder whose one `images` entry names a folder of DICOM slices: ct-01's case
/// with its image replaced by a copy of a fixture series in `slices/`. Shared by the
/// viewer's tests, the tmux test and `report --slices`, which must open the same kind of study.
public enum SeriesStudyFixture {
    /// Writes `study/case.json` and copies `Tests/Fixtures/dicom/series/<series>` to `study/slices`.
    public static func write(series: String, to study: URL) throws {
        try FileManager.default.createDirectory(at: study, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: TestEnvironment.fixture("dicom/series/\(series)"), to: study.appendingPathComponent("slices"))
        let sample = TestEnvironment.samples.appendingPathComponent("ct-01/case.json")
        var json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: sample)) as? [String: Any])
        var images = try XCTUnwrap(json["images"] as? [[String: Any]])
        images[0]["file"] = "slices"
        json["images"] = Array(images.prefix(1))
        var attribution = try XCTUnwrap(json["attribution"] as? [[String: Any]])
        attribution[0]["image"] = "slices"
        json["attribution"] = Array(attribution.prefix(1))
        try JSONSerialization.data(withJSONObject: json).write(to: study.appendingPathComponent("case.json"))
    }
}
