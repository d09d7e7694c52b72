import ArgumentParser

struct RecipientCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "recipient", abstract: "(not yet available)", subcommands: [])
}
