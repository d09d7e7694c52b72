import ArgumentParser
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Walk a realistic case through phase 2 in a throwaway vault.")
    func run() throws { print("demo") }
}
