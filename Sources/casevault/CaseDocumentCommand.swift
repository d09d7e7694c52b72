import ArgumentParser
import CaseVaultCore
import CaseVaultSync
import Foundation

extension CaseCommand {
    struct Document: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add, list and save a case's documents (PDF, JPEG, PNG), encrypted like every field.",
            subcommands: [Add.self, List.self, Get.self])
    }
}

extension CaseCommand.Document {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a PDF, JPEG or PNG file (at most 20 MiB) to a case; it is encrypted before it is stored.",
            discussion: Examples.text(
                "casevault case document add 3f9a samtykke.pdf --title \"Skriftlig samtykke til politiet\"",
                "casevault case document add Blåklokke leiekontrakt.jpg --title Leiekontrakt"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: CaseRef.help, completion: CaseRef.completion) var id: String
        @Argument(help: "The PDF, JPEG or PNG file.", completion: .file()) var file: String
        @Option(name: .long, help: "What the document is, as people should read it (tittel).") var title: String
        @OptionGroup var reason: ReasonOption
        @OptionGroup var output: JSONFlag

        func run() throws {
            // A shared vault does not carry document content to the server yet: refused rather than lost.
            if try ReplicaLink.load(in: try vault.path) != nil {
                throw CLIError(.refused, "documents cannot be added to a shared vault yet: their content would not reach the server",
                               hints: ["nothing was changed"])
            }
            let why = try reason.read()
            let content = try DocumentFile.read(file)
            let v = try vault.open()
            let (caseID, added) = try identity.withCase(id, in: v, command: "case.document.add") { s, c in
                try s.addDocument(c, content: content, title: title, reason: why)
            }
            if output.json {
                Output.json(JSONShape.DocumentAdded(case: caseID.hex, version: added.version, document: added.index + 1))
            } else {
                print("Added document \(added.index + 1) to case \(caseID.hex) (version \(added.version))")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the documents of a case that your role may read (the read is logged).",
            discussion: Examples.text("casevault case document list 3f9a", "casevault case document list 3f9a --json"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: CaseRef.help, completion: CaseRef.completion) var id: String
        @OptionGroup var reason: ReasonOption
        @OptionGroup var output: JSONFlag

        func run() throws {
            let why = try reason.read()
            let v = try vault.open()
            let (caseID, documents) = try identity.withCase(id, in: v, command: "case.document.list") { s, c in try s.documents(c, reason: why) }
            if output.json {
                Output.json(documents.map(JSONShape.Document.init))
                return
            }
            guard !documents.isEmpty else { return print("Sak \(caseID.hex): ingen dokumenter du kan lese / no documents you may read") }
            for d in documents {
                let added = CalendarDate(d.added)?.norwegianText ?? d.added
                Output.line("\(d.index + 1)  \(Output.neutralised(d.title, keepNewlines: false))  \(d.kind.rawValue.uppercased())  \(d.size) byte  lagt til \(added)")
            }
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Save document N of a case to a file of your choice (mode 0600), or - for standard output.",
            discussion: Examples.text(
                "casevault case document get 3f9a 1 --out ~/samtykke.pdf",
                "casevault case document get 3f9a 2 --out - | lpr      # straight to the printer, no file"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: CaseRef.help, completion: CaseRef.completion) var id: String
        @Argument(help: "The document's number, as `case document list` shows it.") var number: Int
        @Option(name: .long, help: "Where to save it (created with mode 0600), or - for standard output.", completion: .file()) var out: String
        @Flag(name: .long, help: "Replace the file at --out if it exists.") var force = false
        @OptionGroup var reason: ReasonOption

        func validate() throws {
            guard number >= 1 else { throw ValidationError("the document number starts at 1 (see `casevault case document list`)") }
        }

        func run() throws {
            if out != "-", !force, FileManager.default.fileExists(atPath: out) {
                throw CLIError(.refused, "\(out) already exists; give another path, or --force to replace it", hints: ["nothing was read or written"])
            }
            let why = try reason.read()
            let v = try vault.open()
            let (caseID, read) = try identity.withCase(id, in: v, command: "case.document.get") { s, c in
                try s.readDocument(c, index: number - 1, reason: why)
            }
            try DocumentFile.write(read.content, to: out, force: force)
            if out != "-" { Output.note("Saved document \(number) of case \(caseID.hex) to \(out) (\(read.document.size) bytes, mode 0600); delete it when done") }
        }
    }
}
