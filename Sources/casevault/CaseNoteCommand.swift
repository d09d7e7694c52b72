import ArgumentParser
import CaseVaultCore
import Foundation

extension CaseCommand {
    struct Note: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a note to a case: plain text, dated and signed with your name and the Oslo time.",
            discussion: Examples.text(
                "casevault case note Blåklokke                  # asks for one line at the terminal",
                "casevault case note 3f9a - < notat.txt          # any text: colons, quotes, several lines"))
        @OptionGroup var vault: VaultOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: CaseRef.help, completion: CaseRef.completion) var id: String
        @Argument(help: "Read the note from FILE, or - for standard input; asked for at the terminal when absent.", completion: .file()) var file: String?
        @OptionGroup var output: JSONFlag

        func run() throws {
            let text = try FreeText.read(file: file, what: "note", option: "FILE",
                                         prompt: "Notat (én linje; lengre tekst: casevault case note \(id) - < fil): ")!
            do {
                let v = try vault.open()
                let (caseID, version) = try identity.withCase(id, in: v, command: "case.note") { s, c in try s.addNote(c, text: text) }
                if output.json { Output.json(JSONShape.CaseVersionRef(case: caseID.hex, version: version)) } else { print("Added a note to case \(caseID.hex) (version \(version))") }
            } catch {
                // Nothing typed at 02:00 is lost: the note goes back to the writer's own terminal.
                throw CLIError.wrapping(error, hint: "the note was not saved; it follows, to copy", afterword: text)
            }
        }
    }
}
