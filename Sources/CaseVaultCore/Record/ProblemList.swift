/// Problems found while checking input, gathered so that all of them are reported in one
/// error instead of the first alone. A class so a parser can note into it from nested steps.
final class ProblemList {
    var items: [String] = []

    /// One problem as it is; several as "N problems: a; b; c" (still one line), each also
    /// kept apart in `problems`.
    func throwIfAny() throws(VaultError) {
        switch items.count {
        case 0: return
        case 1: throw .input(items[0])
        default:
            var error = VaultError.input("\(items.count) problems: " + items.joined(separator: "; "))
            error.problems = items
            throw error
        }
    }
}
