import Foundation
import XCTest

/// Seeded random sequences of commands by every role and by the police, checked after every
/// step from every member's seat, a client with no saved state and the auditor's.
///
///     swift test --parallel --filter CaseVaultModelTests                       # the CI run: 8 × 12 seeds
///     CASEVAULT_MODEL_SEQUENCES=1250 swift test --parallel --filter CaseVaultModelTests  # 10,000 seeds
///     CASEVAULT_MODEL_SEED=1234 swift test --filter CaseVaultModelTests        # replay one failure
final class EveryClientAgreesTests: XCTestCase {
    /// Sequences per test method in CI; eight methods, so a parallel run spreads them over the
    /// cores beside the other suites.
    static let defaultSequences = 12
    static let defaultSteps = 12

    private var environment: [String: String] { ProcessInfo.processInfo.environment }

    func testSeedsOfPart1() throws { try checkPart(0) }
    func testSeedsOfPart2() throws { try checkPart(1) }
    func testSeedsOfPart3() throws { try checkPart(2) }
    func testSeedsOfPart4() throws { try checkPart(3) }
    func testSeedsOfPart5() throws { try checkPart(4) }
    func testSeedsOfPart6() throws { try checkPart(5) }
    func testSeedsOfPart7() throws { try checkPart(6) }
    func testSeedsOfPart8() throws { try checkPart(7) }

    /// Seeds `first + part*count …` for this part; `CASEVAULT_MODEL_SEED` replays one seed
    /// (in the first part only), `CASEVAULT_MODEL_SEQUENCES` sets the count per part.
    private func checkPart(_ part: UInt64) throws {
        let steps = environment["CASEVAULT_MODEL_STEPS"].flatMap(Int.init) ?? Self.defaultSteps
        if let seed = environment["CASEVAULT_MODEL_SEED"].flatMap(UInt64.init) {
            if part == 0 { try checkSeed(seed, steps: steps) }
            return
        }
        let count = UInt64(environment["CASEVAULT_MODEL_SEQUENCES"].flatMap(Int.init) ?? Self.defaultSequences)
        let first = (environment["CASEVAULT_MODEL_FIRST_SEED"].flatMap(UInt64.init) ?? 1) + part * count
        for seed in first..<(first + count) {
            try checkSeed(seed, steps: steps)
            if testRun?.failureCount ?? 0 > 0 { return }
        }
    }

    private func checkSeed(_ seed: UInt64, steps: Int) throws {
        let sequence = try ModelRunner.generate(seed: seed, steps: steps)
        guard let failure = try ModelRunner.run(sequence) else { return }
        let shrunk = try ModelRunner.shrink(sequence, failing: failure)
        XCTFail("""
            seed \(seed) fails \(shrunk.failure)
            shrunk sequence (\(shrunk.steps.count) of \(sequence.count) steps):
            \(shrunk.steps.enumerated().map { "  \($0.offset + 1). \($0.element)" }.joined(separator: "\n"))
            replay: CASEVAULT_MODEL_SEED=\(seed) CASEVAULT_MODEL_STEPS=\(steps) swift test --filter CaseVaultModelTests
            """)
    }
}

/// Generating, running and shrinking sequences.
enum ModelRunner {
    /// A sequence drawn from the seed, each step drawn from what the model allows after the ones before.
    static func generate(seed: UInt64, steps: Int) throws -> [Step] {
        var generator = StepGenerator(random: SeededGenerator(seed: seed))
        var model = ModelState()
        var out: [Step] = []
        for _ in 0..<steps {
            let step = generator.next(model)
            out.append(step)
            model = ModelRunner.predict(step, model)
        }
        return out
    }

    /// The model's own view of a step (without a vault), for generation and for shrinking.
    static func predict(_ step: Step, _ m: ModelState) -> ModelState {
        var m = m
        switch step {
        case let .createCase(by):
            m.cases.append([by: [.contactPerson]])
            m.residentsBound.append(false)
            m.escrowed.append(m.recoveryReady)
        case let .assign(_, member, role, n): m.cases[n][member, default: []].insert(role)
        case let .unassign(_, member, role, n):
            m.cases[n][member]?.remove(role)
            if m.cases[n][member]?.isEmpty == true { m.cases[n][member] = nil }
        case let .addMember(id, role):
            m.roles[id] = role
            m.addedMembers += 1
        case let .revoke(id): m.revoked.insert(id)
        case .installPolicy: m.policySerial += 1
        case let .installChangedPolicy(rules):
            m.policySerial += 1
            m.policyRules = rules
        case .recoverySetup: m.recoveryReady = true
        case let .recoverLostKey(id, newID):
            m.revoked.insert(id)
            m.roles[newID] = m.roles[id]
            m.addedMembers += 1
            for n in m.cases.indices { if let roles = m.cases[n][id] { m.cases[n][newID] = roles } }
        case let .bindResident(_, n): m.residentsBound[n] = true
        case .breakGlassSetup: m.breakGlassReady = true
        case .backup:
            var snapshot = m
            snapshot.saved = []
            m.saved = [snapshot]
            m.hasBackup = true
        case .restoreAndReanchor:
            guard let snapshot = m.saved.first else { break }
            m = snapshot
            m.saved = [snapshot]
            m.hasBackup = true
        default: break
        }
        return m
    }

    /// Runs a sequence on a new vault; the first disagreement, or nil.
    static func run(_ steps: [Step]) throws -> ModelFailure? {
        let world = try ModelWorld()
        let timing = ProcessInfo.processInfo.environment["CASEVAULT_MODEL_TIMING"] != nil
        let clock = ContinuousClock()
        var spent: [String: Duration] = [:]
        defer { if timing { print("model timing:", spent.map { "\($0.key) \($0.value)" }.sorted().joined(separator: ", ")) } }
        for (i, step) in steps.enumerated() {
            var t0 = clock.now
            do { try world.apply(step) } catch {
                return ModelFailure(step: i, message: "\(step) was refused: \(error)")
            }
            spent["apply", default: .zero] += clock.now - t0
            t0 = clock.now
            do { try world.checkEverySeat(after: step, auditEveryStep: false) } catch let f as ModelFailure {
                return ModelFailure(step: i, message: "\(step): \(f.message)")
            }
            spent["seats", default: .zero] += clock.now - t0
            t0 = clock.now
            do { try world.verifyAudit() } catch let f as ModelFailure {
                return ModelFailure(step: i, message: "\(step): \(f.message)")
            }
            spent["audit", default: .zero] += clock.now - t0
        }
        return nil
    }

    /// Drops steps (halves, then single steps) while the sequence still fails and stays valid.
    static func shrink(_ steps: [Step], failing: ModelFailure) throws -> (steps: [Step], failure: ModelFailure) {
        var best = Array(steps.prefix(failing.step + 1)), bestFailure = failing
        var chunk = max(1, best.count / 2)
        while chunk >= 1 {
            var start = 0
            var progressed = false
            while start < best.count {
                var candidate = best
                candidate.removeSubrange(start..<min(best.count, start + chunk))
                if !candidate.isEmpty, isValid(candidate), let f = try run(candidate) {
                    best = Array(candidate.prefix(f.step + 1))
                    bestFailure = f
                    progressed = true
                } else {
                    start += chunk
                }
            }
            if !progressed { chunk /= 2 }
        }
        return (best, bestFailure)
    }

    /// Whether every step still names a case and people the model has at that point.
    static func isValid(_ steps: [Step]) -> Bool {
        var m = ModelState()
        for step in steps {
            func active(_ id: String) -> Bool { m.roles[id] != nil && !m.revoked.contains(id) }
            func hasCase(_ n: Int) -> Bool { n < m.cases.count }
            let ok: Bool = switch step {
            case let .createCase(by): active(by) && m.roles[by] == .contactPerson
            case let .note(by, n), let .skewedNote(by, n): m.mayAddNote(by, n)
            case let .concurrentNotes(a, b, n): a != b && m.mayAddNote(a, n) && m.mayAddNote(b, n)
            case let .setStatus(by, n), let .assign(by, _, _, n), let .unassign(by, _, _, n):
                active(by) && hasCase(n) && (m.roles[by] == .leader || m.contactPersons(of: n).contains(by)) && {
                    switch step {
                    case let .assign(_, member, _, _): active(member) && m.cases[n][member] == nil
                    case let .unassign(_, member, role, _): m.cases[n][member]?.contains(role) == true
                    default: true
                    }
                }()
            case let .reseal(by, n): active(by) && hasCase(n) && (m.roles[by] != .nightShift || m.nightShiftReaching.contains(by))
            case let .handoverRoundTrip(by, _, n): active(by) && hasCase(n) && m.contactPersons(of: n).contains(by)
            case let .bindResident(by, n): active(by) && hasCase(n) && !m.residentsBound[n] && m.contactPersons(of: n).contains(by)
            case let .addMember(id, _): m.roles[id] == nil
            case let .revoke(id): active(id) && !m.cases.indices.contains { m.contactPersons(of: $0) == [id] }
            case .installPolicy, .backup: true
            case .breakGlassSetup: !m.breakGlassReady
            case let .breakGlassOpen(n): m.breakGlassReady && hasCase(n)
            case .restoreAndReanchor: m.hasBackup
            case let .changePassphrase(id): active(id)
            case let .installChangedPolicy(rules): rules != m.policyRules
            case .recoverySetup: !m.recoveryReady
            case let .recoverLostKey(id, newID): m.recoveryReady && m.mayLoseKey.contains(id) && m.roles[newID] == nil
            }
            guard ok else { return false }
            m = predict(step, m)
        }
        return true
    }
}
