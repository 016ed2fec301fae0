import Foundation
@testable import Workstation
import XCTest

/// `:signoff NAME ROLE [final|amended]` as `SignOff` reads it.
final class SignOffTests: XCTestCase {
    private let date = Date(timeIntervalSince1970: 1_795_952_520)  // 2026-11-29T11:42:00Z
    private let plusOne = TimeZone(secondsFromGMT: 3600)!

    func testTheNameMayHaveSpacesAndTheTimeHasItsZone() throws {
        let fields = try SignOff.fields("Ada King Lovelace radiologist final", draft: nil, text: "x", date: date, timeZone: plusOne)
        XCTAssertEqual(fields, ReviewerFields(name: "Ada King Lovelace", role: "radiologist",
                                              signedOffAt: "2026-11-29T12:42:00+01:00", status: .final))
        XCTAssertTrue(fields.isSignedOff)
    }

    func testTheDraftDecidesWhenTheEditorHasIt() throws {
        let unchanged = try SignOff.fields("Ada radiologist", draft: "Text.\n", text: "Text.", date: date, timeZone: plusOne)
        XCTAssertEqual(unchanged.status, .final)
        let changed = try SignOff.fields("Ada radiologist", draft: "Text.", text: "Text, corrected.", date: date, timeZone: plusOne)
        XCTAssertEqual(changed.status, .amended)
        XCTAssertThrowsError(try SignOff.fields("Ada radiologist final", draft: "Text.", text: "Other.", date: date, timeZone: plusOne)) {
            XCTAssertEqual("\($0)", "the text differs from the model's draft, so it is amended, not final")
        }
        XCTAssertEqual(try SignOff.fields("Ada radiologist AMENDED", draft: "a", text: "b", date: date, timeZone: plusOne).status, .amended)
    }

    func testWithoutADraftTheStatusMustBeGiven() {
        XCTAssertThrowsError(try SignOff.fields("Ada radiologist", draft: nil, text: "x", date: date, timeZone: plusOne)) {
            XCTAssertEqual($0 as? SignOffError, .statusNeeded)
        }
        XCTAssertThrowsError(try SignOff.fields("radiologist final", draft: nil, text: "x", date: date, timeZone: plusOne)) {
            XCTAssertEqual("\($0)", "sign-off needs a name and a role: :signoff NAME ROLE [final|amended]")
        }
        XCTAssertThrowsError(try SignOff.fields("Ada radiologist accepted", draft: nil, text: "x", date: date, timeZone: plusOne)) {
            XCTAssertEqual($0 as? SignOffError, .unknownStatus("accepted"))
        }
    }

    func testOldStatusesStillReadButAreNoSignOff() throws {
        let json = #"{"name": "Ada", "role": "radiologist", "signedOffAt": null, "status": "accepted"}"#
        let fields = try JSONDecoder().decode(ReviewerFields.self, from: Data(json.utf8))
        XCTAssertEqual(fields.status, .accepted)
        XCTAssertFalse(fields.isSignedOff)
        XCTAssertFalse(ReviewerFields(name: " ", role: nil, signedOffAt: nil, status: .final).isSignedOff, "a name is needed")
    }
}
