@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import CaseVaultSync
import Foundation
import XCTest

/// `GET /metrics`: Prometheus counters of pushes, pulls, sign-ins and deliveries by outcome,
/// naming no vault, member or case.
final class MetricsTests: XCTestCase {
    func testTheCountersFollowWhatHappenedAndNameNobody() throws {
        let s = try SharedWorld()
        let a = try s.join("kari"), b = try s.join("karl")
        let caseID = try Session(vault: a, identity: s.t.identity("kari")).createCase(recordText: SharedWorld.smallCase)
        _ = try s.sync(a, as: "kari")
        _ = try Session(vault: b, identity: s.t.identity("karl")).createCase(recordText: SharedWorld.smallCase)
        XCTAssertThrowsError(try Workstation.sync(b, signer: s.t.identity("karl").signer, pulling: false))
        XCTAssertThrowsError(try s.client("kari", identity: try SecretIdentity.generate()), "a key not on the roster")

        let text = String(decoding: try Data(contentsOf: XCTUnwrap(URL(string: s.server.url + "/metrics"))), as: UTF8.self)
        func value(_ series: String) -> Int? {
            text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Int($0.split(separator: " ").last!) }
        }
        // Publishing pushed once; kari's case once; karl's push came second.
        XCTAssertEqual(value(#"casevault_pushes_total{result="stored"}"#), 2, text)
        XCTAssertEqual(value(#"casevault_pushes_total{result="head-moved"}"#), 1, text)
        XCTAssertEqual(value(#"casevault_sign_ins_total{result="refused"}"#), 1, text)
        XCTAssertGreaterThanOrEqual(value(#"casevault_pulls_total"#) ?? 0, 3, text)
        XCTAssertGreaterThan(value(#"casevault_rows_stored_total"#) ?? 0, 0, text)
        for secret in [s.vaultID.hex, String(s.vaultID.hex.prefix(8)), "kari", "karl", "lina", caseID.description, "Blåklokke"] {
            XCTAssertFalse(text.contains(secret), "the metrics name \(secret)")
        }
    }
}
