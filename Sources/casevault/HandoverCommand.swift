import ArgumentParser

struct HandoverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "handover", abstract: "(not yet available)", subcommands: [])
}
