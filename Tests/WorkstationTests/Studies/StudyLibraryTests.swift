import Foundation
import TestSupport
import XCTest
@testable import Workstation

/// The shipped `samples/` and the library scan: broken studies stay listed with their
/// errors and the others stay usable. Expected titles and ids come from the case files
/// written for `samples/` (inputs, not outputs of the code under test).
final class StudyLibraryTests: XCTestCase {
    private var temp: URL!

    override func setUpWithError() throws {
        temp = FileManager.default.temporaryDirectory.appendingPathComponent("studies-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: temp)
    }

    private func samples() throws -> StudyLibrary {
        try StudyLibrary(path: TestEnvironment.samples.path)
    }

    /// Writes a study folder with `case.json` built from `CaseFileTests.base()` (changed by
    /// `change`) and the named image files (a few bytes each).
    @discardableResult
    private func makeStudy(_ name: String, images: [String], title: String? = nil,
                           change: (inout [String: Any]) -> Void = { _ in }) throws -> URL {
        let folder = temp.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var d = CaseFileTests.base()
        d["id"] = name
        d["title"] = title ?? name
        d["images"] = ["a.png", "scans/b.png", "c.dcm"].map {
            ["file": $0, "modality": "CR", "view": "PA", "description": "d"] as [String: Any]
        }
        change(&d)
        try CaseFileTests.data(d).write(to: folder.appendingPathComponent("case.json"))
        for image in images {
            let url = folder.appendingPathComponent(image)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data([1, 2, 3]).write(to: url)
        }
        return folder
    }

    func testShippedSamplesAllLoadWithEveryImagePresent() throws {
        let library = try samples()
        XCTAssertEqual(library.studies.map(\.folderName),
                       ["cxr-01", "cxr-02", "ct-01", "derm-01", "fundus-01", "histo-01", "mr-02", "mr-01"],
                       "sorted by title")
        for study in library.studies {
            XCTAssertNil(study.error, study.error?.description ?? "")
            XCTAssertEqual(study.problems, [], study.path)
            XCTAssertTrue(study.isUsable, study.path)
            let c = try XCTUnwrap(study.caseFile)
            XCTAssertEqual(c.id, study.folderName)
            XCTAssertTrue(c.synthetic)
            XCTAssertTrue(c.note?.hasPrefix("Synthetic case for demonstration; not a real patient's history.") == true, study.path)
            XCTAssertTrue(c.patient.id.hasPrefix("SYN-"), study.path)
            XCTAssertFalse(study.images.isEmpty)
            for image in study.images {
                guard case .present(let bytes) = image.status else { return XCTFail("\(image.path): \(image.status)") }
                // A series entry (a folder) counts the bytes of the files in it.
                let files = image.isSeries ? try FileManager.default.contentsOfDirectory(atPath: image.url.path).map {
                    image.url.appendingPathComponent($0).path
                } : [image.url.path]
                let size = try files.reduce(0) { $0 + ((try FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
                XCTAssertEqual(bytes, size, image.path)
            }
            for prior in study.priors.compactMap({ $0 }) {
                guard case .present = prior.status else { return XCTFail("\(prior.path): \(prior.status)") }
            }
            XCTAssertEqual(Set(c.attribution.map(\.image)), Set(c.images.map(\.file) + c.images.compactMap(\.prior?.file)),
                           "every image and prior is attributed: \(study.path)")
            for a in c.attribution {
                XCTAssertFalse(a.license.isEmpty)
                XCTAssertFalse(a.citation.isEmpty)
            }
        }
        let modalities = Set(library.studies.flatMap { $0.caseFile?.images.map(\.modality) ?? [] })
        XCTAssertEqual(modalities, ["CR", "XC", "OP", "SM", "CT", "MR"])
        let ct = try XCTUnwrap(library.studies.first { $0.folderName == "ct-01" }?.caseFile)
        XCTAssertEqual(ct.images[0].window, CaseWindow(center: 40, width: 400), "the CT file has no window of its own")
        let series = library.studies.flatMap(\.images).filter(\.isSeries).map(\.path)
        XCTAssertEqual(series.map { ($0 as NSString).lastPathComponent }, ["mr_mricron_ch2_t1_axial"], "one multi-slice series")
    }

    func testEverySampleImageIsAttributedInSourcesMarkdown() throws {
        let sources = try String(contentsOf: TestEnvironment.samples.appendingPathComponent("SOURCES.md"), encoding: .utf8)
        for study in try samples().studies {
            for image in study.images + study.priors.compactMap({ $0 }) {
                XCTAssertTrue(sources.contains("\(study.folderName)/\(image.image.file)"), image.path)
            }
        }
        XCTAssertTrue(sources.contains("Copyright (c) 2006-2016 Mathieu Malaterre"), "the GDCM BSD notice")
        XCTAssertTrue(sources.contains("MIT License"), "the pydicom-data MIT notice")
    }

    func testABrokenStudyIsListedWithItsErrorAndTheOthersStayUsable() throws {
        try makeStudy("good", images: ["a.png", "scans/b.png", "c.dcm"], title: "Good one")
        let bad = try makeStudy("bad", images: [], title: "Any title") { $0["version"] = 7 }
        try makeStudy("gap", images: ["a.png", "c.dcm"], title: "Gap one")
        try makeStudy("gone", images: [], title: "Gone one")
        try FileManager.default.createDirectory(at: temp.appendingPathComponent("not-a-study"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: temp.appendingPathComponent(".hidden"), withIntermediateDirectories: true)
        try Data("{".utf8).write(to: temp.appendingPathComponent(".hidden/case.json"))

        let root = temp.path + "/"
        let library = try StudyLibrary(path: root)
        XCTAssertEqual(library.studies.map(\.folderName), ["bad", "gap", "gone", "good"],
                       "a broken study sorts by its folder name; folders without case.json and hidden ones are skipped")
        let byName = Dictionary(uniqueKeysWithValues: library.studies.map { ($0.folderName, $0) })

        let broken = try XCTUnwrap(byName["bad"])
        XCTAssertNil(broken.caseFile)
        XCTAssertFalse(broken.isUsable)
        XCTAssertEqual(broken.title, "bad")
        XCTAssertEqual(broken.path, root + "bad")
        XCTAssertEqual(broken.problems, ["\(root)bad/case.json: field 'version': unsupported version 7 (this build reads version 1)"])
        XCTAssertEqual(bad.lastPathComponent, broken.folderName)

        let good = try XCTUnwrap(byName["good"])
        XCTAssertTrue(good.isUsable)
        XCTAssertEqual(good.problems, [])
        XCTAssertEqual(good.images.map(\.status), [.present(bytes: 3), .present(bytes: 3), .present(bytes: 3)])

        let gap = try XCTUnwrap(byName["gap"])
        XCTAssertTrue(gap.isUsable, "a study with one missing image still opens")
        XCTAssertEqual(gap.images.map(\.status), [.present(bytes: 3), .missing, .present(bytes: 3)])
        XCTAssertEqual(gap.problems, ["\(root)gap/scans/b.png: image file not found"])

        let gone = try XCTUnwrap(byName["gone"])
        XCTAssertFalse(gone.isUsable, "no image at all")
        XCTAssertEqual(gone.problems.count, 3)
        XCTAssertEqual(library.broken.map(\.folderName), ["bad", "gap", "gone"])
    }

    func testUnreadableImages() throws {
        let folder = try makeStudy("odd", images: ["c.dcm"])
        try Data().write(to: folder.appendingPathComponent("a.png"))
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("scans/b.png"), withIntermediateDirectories: true)
        let outside = temp.appendingPathComponent("secret.dcm")
        try Data([9, 9]).write(to: outside)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("c.dcm"))
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("c.dcm"), withDestinationURL: outside)

        let study = Study(path: folder.path)
        XCTAssertEqual(study.images.map(\.status), [.unreadable("empty file"), .unreadable("empty folder"),
                                                    .unreadable("links to a file outside the study folder")])
        XCTAssertEqual(study.problems.last, "\(folder.path)/c.dcm: links to a file outside the study folder")
        XCTAssertFalse(study.isUsable)

        // A link that stays inside the study is fine.
        try FileManager.default.removeItem(at: folder.appendingPathComponent("c.dcm"))
        try Data([7]).write(to: folder.appendingPathComponent("real.dcm"))
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("c.dcm").path, withDestinationPath: "real.dcm")
        XCTAssertEqual(Study(path: folder.path).images[2].status, .present(bytes: 1))
    }

    /// An entry that names a folder is a series: present when it holds files (their sizes
    /// summed), refused when empty or when a file in it links outside the study.
    func testFolderEntryIsASeries() throws {
        let folder = try makeStudy("series", images: ["a.png", "c.dcm"])
        let scans = folder.appendingPathComponent("scans/b.png")
        try FileManager.default.createDirectory(at: scans, withIntermediateDirectories: true)
        try Data([1, 2]).write(to: scans.appendingPathComponent("IM1.dcm"))
        try Data([3, 4, 5]).write(to: scans.appendingPathComponent("IM2.dcm"))
        var study = Study(path: folder.path)
        XCTAssertEqual(study.images[1].status, .present(bytes: 5))
        XCTAssertTrue(study.images[1].isSeries)
        XCTAssertFalse(study.images[0].isSeries)

        let outside = temp.appendingPathComponent("outside.dcm")
        try Data([9]).write(to: outside)
        try FileManager.default.createSymbolicLink(at: scans.appendingPathComponent("IM3.dcm"), withDestinationURL: outside)
        study = Study(path: folder.path)
        XCTAssertEqual(study.images[1].status, .unreadable("IM3.dcm links to a file outside the study folder"))
        XCTAssertFalse(study.images[1].isSeries)
    }

    func testPointingAtOneStudyFolderGivesThatStudy() throws {
        let path = TestEnvironment.samples.appendingPathComponent("mr-01").path
        let library = try StudyLibrary(path: path)
        XCTAssertEqual(library.studies.map(\.path), [path])
        XCTAssertEqual(library.studies.first?.caseFile?.id, "mr-01")
    }

    func testLibraryFolderErrors() throws {
        let missing = temp.appendingPathComponent("nowhere").path
        XCTAssertThrowsError(try StudyLibrary(path: missing)) { XCTAssertEqual("\($0)", "\(missing): no such folder") }
        let file = temp.appendingPathComponent("file.txt")
        try Data("x".utf8).write(to: file)
        XCTAssertThrowsError(try StudyLibrary(path: file.path)) { XCTAssertEqual("\($0)", "\(file.path): not a folder") }
        XCTAssertEqual(try StudyLibrary(path: temp.path).studies.count, 0, "an empty folder is an empty library")
    }

    func testFilterMatchesTitleModalityAndIdCaseInsensitively() throws {
        let library = try samples()
        let names = { (q: String) in library.filter(query: q).map(\.folderName) }
        XCTAssertEqual(names(""), library.studies.map(\.folderName), "an empty query shows everything")
        XCTAssertEqual(names("   "), library.studies.map(\.folderName))
        XCTAssertEqual(names("chest x-RAY"), ["cxr-01", "cxr-02"], "title words, any case, all must match")
        XCTAssertEqual(names("ct"), ["ct-01"], "modality and id")
        XCTAssertEqual(names("mr"), ["mr-02", "mr-01"], "by title: MR brain, MR liver")
        XCTAssertEqual(names("brain"), ["mr-02"])
        XCTAssertEqual(names("CXR-02"), ["cxr-02"], "id")
        XCTAssertEqual(names("op"), ["cxr-02", "fundus-01", "histo-01"], "substrings: pre-operative, OP, histopathology")
        XCTAssertEqual(names("fundus photograph"), ["fundus-01"], "modality name")
        XCTAssertEqual(names("histopathology slide"), ["histo-01"])
        XCTAssertEqual(names("liver lesion"), ["mr-01"])
        XCTAssertEqual(names("nothing-like-this"), [])

        let broken = StudyLibrary(path: temp.path, studies: [Study(path: temp.appendingPathComponent("broken-x").path)])
        XCTAssertEqual(broken.filter(query: "BROKEN").count, 1, "a broken study is found by its folder name")
    }
}
