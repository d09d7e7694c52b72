import CaseVaultCore
#if canImport(Glibc)
import Glibc
#endif

/// Where a user's key agent listens: `$XDG_RUNTIME_DIR/casevault-agent.sock` (a folder only
/// the user can enter), else `/tmp/casevault-<uid>/agent.sock` in a 0700 folder this user owns.
public enum AgentPaths {
    public static func socketPath(environment: (String) -> String? = { getenv($0).map { String(cString: $0) } },
                                  temporaryFolder: String = "/tmp") throws(VaultError) -> String {
        if let runtime = environment("XDG_RUNTIME_DIR"), runtime.hasPrefix("/") {
            return runtime + "/casevault-agent.sock"
        }
        let dir = temporaryFolder + "/casevault-\(getuid())"
        if mkdir(dir, 0o700) != 0 && errno != EEXIST {
            throw VaultError(.ioFailure, "cannot create \(dir): \(String(cString: strerror(errno)))")
        }
        var st = stat()
        // lstat: a symlink planted by someone else is not our folder. Another user may have made
        // the folder first (the name is guessable); it cannot be taken back, so name the way round it.
        guard lstat(dir, &st) == 0, st.st_mode & S_IFMT == S_IFDIR, st.st_uid == getuid(), st.st_mode & 0o777 == 0o700 else {
            throw VaultError(.refused, "\(dir) is not a private folder of this user (another user may have made it); "
                + "run: export XDG_RUNTIME_DIR=$HOME/.casevault-run && mkdir -m 700 -p $XDG_RUNTIME_DIR")
        }
        return dir + "/agent.sock"
    }
}

/// Only the user who started the agent may use it.
public enum AgentPeer {
    public static func admits(peerUID: uid_t, ownUID: uid_t) -> Bool { peerUID == ownUID }
}
