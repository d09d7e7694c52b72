import ArgumentParser
import CaseVaultCore

struct BreakGlassCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "breakglass", abstract: "Emergency access to named fields of a case, for a few hours, logged first and reviewed after.",
        discussion: """
            Reason codes: \(BreakGlassRules.reasonCodes.joined(separator: ", ")). At most \(BreakGlassRules.maxMinutes) minutes. Every break-glass must be reviewed by a second person (`breakglass review`); `audit verify` lists those that are not.
            """,
        subcommands: [Setup.self, Open.self, Request.self, Approve.self, Show.self, Review.self])

    struct Setup: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create (or rotate) the break-glass key, sealed to each leader behind the root key.",
            discussion: Examples.text("casevault breakglass setup --identity ~/lina.cvkey --root-key /media/usb/root.cvkey"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @OptionGroup var root: RootKeyOptions

        func run() throws {
            let v = try vault.open()
            let r = try identity.withRootSession(in: v, command: "breakglass.setup", root: root) { try $0.setUpBreakGlass() }
            print("Break-glass key epoch \(r.epoch), for \(r.breakers.joined(separator: ", "))")
            if !r.notCovered.isEmpty {
                print("Not yet covered: \(r.notCovered.count) case(s) sealed before this key; each is covered when a reader of its fields next opens it (or runs `casevault case reseal ID`):")
                for id in r.notCovered { print("  \(id.hex)") }
            }
        }
    }

    /// The options every break-glass request shares.
    struct RequestOptions: ParsableArguments {
        @Argument(help: CaseRef.help, completion: CaseRef.completion) var id: String
        @Option(help: "The field paths needed, comma-separated.") var fields: String
        @Option(help: "For how long (1 to \(BreakGlassRules.maxMinutes)).") var minutes: Int
        @Option(help: "Why: \(BreakGlassRules.reasonCodes.joined(separator: ", ")).") var reasonCode: String
        @OptionGroup var reason: ReasonOption

        var paths: [String] { fields.split(separator: ",").map(String.init) }
    }

    struct Open: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Break glass alone: needs the centre root key and a written reason; shows the fields at once.",
            discussion: Examples.text("casevault breakglass open 3f9a --root-key /media/usb/root.cvkey --fields person.legal_name,safety.do_not_admit --minutes 60 --reason-code life-danger --reason-file grunn.txt"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @OptionGroup var root: RootKeyOptions
        @OptionGroup var request: RequestOptions
        @OptionGroup var output: JSONFlag

        func run() throws {
            guard let why = try request.reason.read() else {
                throw CLIError(.invalidInput, "breaking glass alone needs a written reason", hints: ["give it with --reason-file FILE"])
            }
            let v = try vault.open()
            let view = try identity.withRootSession(in: v, command: "breakglass.open", root: root) { s in
                let c = try s.resolveCaseID(request.id)
                let id = try s.requestBreakGlass(c, fields: request.paths, minutes: request.minutes, reasonCode: request.reasonCode, reason: why, mode: .alone)
                return try s.showBreakGlass(id)
            }
            BreakGlassText.print(view, json: output.json)
        }
    }

    struct Request: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask for break-glass; a second member who reads the fields approves it.",
            discussion: Examples.text("casevault breakglass request 3f9a --fields person.alias --minutes 30 --reason-code child-safety"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @OptionGroup var request: RequestOptions

        func run() throws {
            let why = try request.reason.read()
            let v = try vault.open()
            let id = try identity.withCase(request.id, in: v, command: "breakglass.request") { s, c in
                try s.requestBreakGlass(c, fields: request.paths, minutes: request.minutes, reasonCode: request.reasonCode, reason: why, mode: .approved)
            }.result
            print("Break-glass request \(id); logged. A member who reads these fields approves it with `casevault breakglass approve \(id)`")
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve a break-glass request and release the requested fields' keys to the breaker.",
            discussion: Examples.text("casevault breakglass approve 5c1e0a7b9d2f4e6a8b0c1d2e3f405162 --identity ~/kari.cvkey"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: "The request id.") var request: String

        func run() throws {
            let v = try vault.open()
            try identity.withSession(in: v, command: "breakglass.approve") { try $0.approveBreakGlass(request) }
            print("Approved break-glass \(request); the breaker may read the requested fields until it expires")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read the fields a break-glass released to you, until it expires.",
            discussion: Examples.text("casevault breakglass show 5c1e0a7b9d2f4e6a8b0c1d2e3f405162"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: "The request id.") var request: String
        @OptionGroup var reason: ReasonOption
        @OptionGroup var output: JSONFlag

        func run() throws {
            let why = try reason.read()
            let v = try vault.open()
            BreakGlassText.print(try identity.withSession(in: v, command: "breakglass.show") { try $0.showBreakGlass(request, reason: why) }, json: output.json)
        }
    }

    struct Review: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Review a break-glass (a leader or the auditor, not its breaker or approver).",
            discussion: Examples.text("casevault breakglass review 5c1e0a7b9d2f4e6a8b0c1d2e3f405162 --outcome justified --identity ~/anne.cvkey"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: "The request id.") var request: String
        @Option(help: "justified or not-justified.") var outcome: String
        @Option(help: ArgumentHelp("Read a comment from FILE, or - for standard input (sealed; only a commitment enters the access log).", valueName: "file"),
                completion: .file()) var commentFile: String?

        func run() throws {
            guard ["justified", "not-justified"].contains(outcome) else { throw CLIError.usage("--outcome must be justified or not-justified") }
            let comment = try FreeText.read(file: commentFile, what: "comment", option: "--comment-file", prompt: nil)
            let v = try vault.open()
            try identity.withSession(in: v, command: "breakglass.review") { try $0.reviewBreakGlass(request, justified: outcome == "justified", comment: comment) }
            print("Reviewed break-glass \(request): \(outcome)")
        }
    }
}

enum BreakGlassText {
    static func print(_ view: BreakGlassView, json: Bool) {
        if json { Output.json(CaseJSON.opened(view.opened)) } else {
            Output.line("NØDTILGANG / BREAK-GLASS \(view.request), utløper / expires \(view.expires.osloText)")
            CaseText.print(view.opened)
        }
    }
}
