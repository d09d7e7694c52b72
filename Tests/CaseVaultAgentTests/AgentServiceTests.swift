@testable import CaseVaultAgent
import CaseVaultCore
import Foundation
import SodiumKit
import XCTest

/// The agent's decisions with an injected clock and injected uids: nothing here waits.
final class AgentServiceTests: XCTestCase {
    let clock = AgentTestClock()
    let leader = try! SecretIdentity.generate(withCentreRoot: true)

    func service(keyFileProblem: @escaping (String) -> String? = { _ in nil }) -> AgentService {
        AgentService(keys: leader, keyPath: "/home/lina/lina.key", idleTimeout: 15 * 60, maxLifetime: 12 * 3600,
                     clock: clock, keyFileProblem: keyFileProblem)
    }

    func sign(_ s: AgentService, _ message: [UInt8]) -> AgentService.Reply { s.handle(AgentWire.request(.sign, message)) }

    func signature(_ r: AgentService.Reply, file: StaticString = #filePath, line: UInt = #line) -> [UInt8]? {
        if case let .ok(bytes) = r { return bytes }
        XCTFail("expected a signature, got \(r)", file: file, line: line)
        return nil
    }

    func assertRefused(_ r: AgentService.Reply, mentioning: String, file: StaticString = #filePath, line: UInt = #line) {
        guard case let .refused(message) = r else { return XCTFail("expected a refusal, got \(r)", file: file, line: line) }
        XCTAssertTrue(message.contains(mentioning), message, file: file, line: line)
    }

    func testSignsWithTheMemberKeyNeverTheRootKey() throws {
        let s = service()
        let message = Array("casevault test".utf8)
        let sig = try XCTUnwrap(signature(sign(s, message)))
        XCTAssertNoThrow(try leader.signingKey.publicKey.verify(sig, for: message))
        XCTAssertThrowsError(try leader.centreRootKey!.publicKey.verify(sig, for: message))
        XCTAssertEqual(s.publicIdentity, leader.publicIdentity)
    }

    func testOpensSealedBoxesAndReportsOneThatDoesNot() throws {
        let s = service()
        let secret = try SecureBytes.random(count: 40)
        let sealed = try SealedBox.seal(secret, to: leader.boxKey.publicKey)
        guard case let .secret(opened) = s.handle(AgentWire.request(.openSealedBox, sealed)) else { return XCTFail("not opened") }
        XCTAssertTrue(opened.constantTimeEquals(secret))
        var tampered = sealed
        tampered[40] ^= 1
        guard case .failed = s.handle(AgentWire.request(.openSealedBox, tampered)) else { return XCTFail("tampered box opened") }
    }

    func testOpensManyBoxesInOneRequestMarkingThoseThatDoNot() throws {
        let s = service()
        let a = try SecureBytes.random(count: 48), b = try SecureBytes.random(count: 17)
        var tampered = try SealedBox.seal(a, to: leader.boxKey.publicKey)
        tampered[40] ^= 1
        let boxes = [try SealedBox.seal(a, to: leader.boxKey.publicKey), tampered, try SealedBox.seal(b, to: leader.boxKey.publicKey)]
        guard case let .secret(reply) = s.handle(AgentWire.request(.openSealedBoxes, AgentWire.boxList(boxes))) else { return XCTFail("no answers") }
        let answers = try AgentClient.Opener.answers(reply, count: 3)
        XCTAssertEqual(answers.count, 3)
        XCTAssertTrue(try XCTUnwrap(answers[0]).constantTimeEquals(a))
        XCTAssertNil(answers[1], "the tampered box is reported, not skipped")
        XCTAssertTrue(try XCTUnwrap(answers[2]).constantTimeEquals(b))
        // A list whose lengths run past the end, or with bytes after it, is refused.
        var bad = AgentWire.boxList(boxes)
        bad.removeLast()
        guard case .failed = s.handle(AgentWire.request(.openSealedBoxes, bad)) else { return XCTFail("truncated list accepted") }
        guard case .failed = s.handle(AgentWire.request(.openSealedBoxes, AgentWire.boxList(boxes) + [0])) else { return XCTFail("trailing byte accepted") }
        XCTAssertThrowsError(try AgentClient.Opener.answers(reply, count: 4), "fewer answers than boxes")
    }

    func testIdleTimeoutLocksAndUseRestartsTheIdleClock() throws {
        let s = service()
        clock.seconds += 14 * 60
        XCTAssertNotNil(signature(sign(s, [1])))
        clock.seconds += 14 * 60  // 28 min since unlock, 14 since the last use
        XCTAssertNotNil(signature(sign(s, [2])))
        XCTAssertFalse(s.isLocked)
        // Status does not count as use.
        clock.seconds += 14 * 60
        guard case .ok = s.handle(AgentWire.request(.status)) else { return XCTFail("status refused") }
        clock.seconds += 60
        assertRefused(sign(s, [3]), mentioning: "locked")
        XCTAssertTrue(s.isLocked)
        // Locked for good: time running backwards does not bring the keys back.
        clock.seconds -= 3600
        assertRefused(sign(s, [4]), mentioning: "locked")
    }

    func testMaximumLifetimeLocksEvenWhenInUse() {
        let s = service()
        for _ in 0..<(12 * 6 - 1) {
            clock.seconds += 10 * 60
            XCTAssertNotNil(signature(sign(s, [1])))
        }
        XCTAssertEqual(s.status.idleDeadline, s.status.hardDeadline)
        clock.seconds += 10 * 60
        assertRefused(sign(s, [1]), mentioning: "locked")
        XCTAssertTrue(s.isLocked)
    }

    func testLooseKeyFileLocksTheAgent() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("agent-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = dir.appendingPathComponent("kari.key").path
        XCTAssertTrue(FileManager.default.createFile(atPath: key, contents: Data([1]), attributes: [.posixPermissions: 0o600]))
        XCTAssertNil(AgentService.keyFileProblem(key))
        let s = AgentService(keys: leader, keyPath: key, idleTimeout: 900, maxLifetime: 3600, clock: clock)
        XCTAssertNotNil(signature(sign(s, [1])))
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: key)
        assertRefused(sign(s, [1]), mentioning: "accessible by group or others")
        XCTAssertTrue(s.isLocked)
    }

    func testLockForgetsTheKeys() {
        let s = service()
        guard case .ok = s.handle(AgentWire.request(.lock)) else { return XCTFail("lock refused") }
        XCTAssertTrue(s.isLocked)
        assertRefused(sign(s, [1]), mentioning: "locked")
    }

    func testUnknownVersionAndOperationRefused() {
        let s = service()
        guard case .unsupported = s.handle([1, AgentWire.Operation.sign.rawValue, 1]) else { return XCTFail("version 1 accepted") }
        guard case .unsupported = s.handle([3, AgentWire.Operation.sign.rawValue, 1]) else { return XCTFail("version 3 accepted") }
        guard case .unsupported = s.handle([AgentWire.version, 99]) else { return XCTFail("operation 99 accepted") }
        guard case .unsupported = s.handle([AgentWire.version]) else { return XCTFail("short request accepted") }
    }

    func testStatusRoundTripsWithoutSecrets() throws {
        let s = service()
        let status = s.status
        XCTAssertEqual(try AgentStatus.decode(status.encoded()), status)
        XCTAssertEqual(status.keyPath, "/home/lina/lina.key")
        XCTAssertEqual(status.hardDeadline - status.unlockedAt, 12 * 3600)
    }

    /// A client whose socket credentials name another uid gets a refusal frame and is dropped.
    func testAnotherUsersClientIsRefused() throws {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds), 0)
        let server = UnixSocket(fd: fds[0]), client = UnixSocket(fd: fds[1])
        XCTAssertEqual(server.peerUID(), getuid())
        XCTAssertNotNil(AgentServer.admit(server, peerUID: getuid(), ownUID: getuid()))
        XCTAssertNil(AgentServer.admit(server, peerUID: getuid() &+ 1, ownUID: getuid()))
        XCTAssertNil(AgentServer.admit(server, peerUID: nil, ownUID: getuid()))
        let reply = try XCTUnwrap(try client.receive())
        XCTAssertEqual(reply[1], AgentWire.Status.refused.rawValue)
        XCTAssertTrue(String(decoding: reply[2...], as: UTF8.self).contains("only the user who unlocked it"))
        XCTAssertFalse(AgentPeer.admits(peerUID: 1000, ownUID: 1001))
        XCTAssertTrue(AgentPeer.admits(peerUID: 1000, ownUID: 1000))
    }
}
