@testable import CaseVaultCore
@testable import CaseVaultTestSupport
import CaseVaultSync
import Foundation
import XCTest

/// A push cut off by a dying server or network: the server keeps all of it or none of it, and
/// the workstation neither loses its writes nor gets stuck retrying one that already landed.
final class InterruptedPushTests: XCTestCase {
    /// The server stored the push, but its answer never reached the workstation.
    func testAPushWhoseAnswerWasLostIsTakenInsteadOfRefusedForever() throws {
        let s = try SharedWorld()
        let a = try s.join("kari")
        let caseID = try Session(vault: a, identity: s.t.identity("kari")).createCase(recordText: SharedWorld.smallCase)
        var sent = try XCTUnwrap(try ReplicaLink.load(in: a.directory))
        XCTAssertGreaterThan(try Workstation.push(a, link: &sent, client: try s.client("kari")), 0)
        // `sent` is what the workstation would have saved had the answer arrived; it never did.

        let counts = try s.sync(a, as: "kari")
        XCTAssertGreaterThan(counts.pushed, 0)
        let again = try s.sync(a, as: "kari")
        XCTAssertEqual([again.pulled, again.pushed], [0, 0], "nothing is left to send")
        let b = try s.join("karl")
        XCTAssertEqual(try a.replicaRows(), try b.replicaRows())
        XCTAssertEqual(try Session(vault: b, identity: s.t.identity("karl")).listCases().map(\.caseID), [],
                       "karl is not on the case; the point is that the log continued")
        XCTAssertEqual(try Session(vault: a, identity: s.t.identity("kari")).listCases().map(\.caseID), [caseID])
    }

    /// A push refused because another workstation wrote first is still refused: the check above
    /// takes the server's rows only when they are exactly this workstation's own.
    func testAPushOvertakenByAnotherWorkstationIsStillRefused() throws {
        let s = try SharedWorld()
        let a = try s.join("kari"), b = try s.join("karl")
        try s.command(on: a, as: "kari") { _ = try $0.createCase(recordText: SharedWorld.smallCase) }
        _ = try Session(vault: b, identity: s.t.identity("karl")).createCase(recordText: SharedWorld.smallCase)
        XCTAssertThrowsError(try s.sync(b, as: "karl")) { XCTAssertEqual(($0 as? SyncFailure)?.kind, .headMoved) }
    }

    /// `casevault serve` killed (SIGKILL) while a push waits inside its database transaction,
    /// then killed again right after it stored a push and before it answered: each time a new
    /// server process on the same database serves a log with all or none of the push, and the
    /// workstation's next sync completes it.
    func testAServerKilledDuringAPushKeepsAllOrNothingAndTheWorkstationCatchesUp() throws {
        let t = try TestVault()
        let db = try TestPostgres()
        var serve = try ServeProcess(["serve", "--database", db.url, "--listen", "127.0.0.1:0", "--deadline", "300"])
        var url = "http://" + (try XCTUnwrap(serve.listeningAddress(), serve.stderr))
        _ = try Workstation.publish(t.vault, server: url, member: "lina", keyFile: t.directory + "/lina.key", signer: t.identity("lina").signer)
        let dir = NSTemporaryDirectory() + "casevault-replica-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let a = try Workstation.join(server: url, vaultID: t.vault.vaultID, rootFingerprint: t.vault.rootFingerprint, into: dir,
                                     member: "kari", keyFile: dir + "/kari.key", signer: t.identity("kari").signer)
        let kari = try t.identity("kari")
        func restart() throws {
            serve = try ServeProcess(["serve", "--database", db.url, "--listen", "127.0.0.1:0", "--deadline", "300"])
            url = "http://" + (try XCTUnwrap(serve.listeningAddress(), serve.stderr))
            var link = try XCTUnwrap(try ReplicaLink.load(in: dir))
            link.server = url
            try link.save(in: dir)
        }
        let logBefore = try db.sql("SELECT log_size FROM vaults").trimmingCharacters(in: .whitespacesAndNewlines)

        // 1. Killed inside the transaction: the push is held at a lock the test owns, then the server dies.
        var ids = [try Session(vault: a, identity: kari).createCase(recordText: SharedWorld.smallCase)]
        let lock = try PostgresLockHolder(socketFolder: db.socketFolder, database: db.database, holdingShareLockOn: "vault_rows")
        let push = InBackground((a, kari.signer)) { _ = try? Workstation.sync($0.0, signer: $0.1, pulling: false) }
        try lock.waitUntilSomeoneWaits()
        serve.kill9()
        _ = serve.waitForExit()
        try lock.release()
        push.wait()
        XCTAssertEqual(try db.sql("SELECT log_size FROM vaults").trimmingCharacters(in: .whitespacesAndNewlines), logBefore,
                       "a push cut off inside its transaction leaves nothing")
        try restart()
        XCTAssertGreaterThan(try Workstation.sync(a, signer: kari.signer).pushed, 0, "the workstation sends it again")

        // 2. Killed after storing a push, before answering: the next sync takes the stored rows.
        ids.append(try Session(vault: a, identity: kari).createCase(recordText: SharedWorld.smallCase))
        let stored = serve.waitForLogLine(containing: "push stored", thenKill: true)
        _ = try? Workstation.sync(a, signer: kari.signer, pulling: false)
        XCTAssertTrue(stored.wait(timeout: .now() + 60) == .success, serve.stderr)
        _ = serve.waitForExit()
        try restart()
        _ = try Workstation.sync(a, signer: kari.signer)
        let again = try Workstation.sync(a, signer: kari.signer)
        XCTAssertEqual([again.pulled, again.pushed], [0, 0], "nothing is left to send")

        // A workstation joining now sees the same vault, each case once.
        let fresh = NSTemporaryDirectory() + "casevault-replica-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: fresh) }
        let c = try Workstation.join(server: url, vaultID: t.vault.vaultID, rootFingerprint: t.vault.rootFingerprint, into: fresh,
                                     member: "kari", keyFile: fresh + "/kari.key", signer: kari.signer)
        XCTAssertEqual(try c.replicaRows(), try a.replicaRows())
        XCTAssertEqual(Set(try Session(vault: c, identity: kari).listCases().map(\.caseID)), Set(ids))
        XCTAssertEqual(try Session(vault: c, identity: kari).listCases().count, 2)
        serve.terminate()
        _ = serve.waitForExit()
    }
}

/// Work on another thread, with a handle to wait for it.
final class InBackground<Input>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)

    init(_ input: Input, _ body: @escaping (Input) -> Void) {
        let done = done
        nonisolated(unsafe) let input = input, body = body
        Thread.detachNewThread {
            body(input)
            done.signal()
        }
    }

    func wait() { done.wait() }
}
