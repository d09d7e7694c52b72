import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// File operations for secret-bearing files: exclusive creation with mode 0600, permission
/// checks before reading, and atomic replacement for state files.
public enum SecureFile {
    /// Creates `path` with O_EXCL and mode 0600, writes `bytes`, fsyncs. Never overwrites.
    static func createExclusive(_ path: String, _ bytes: [UInt8]) throws(VaultError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { throw .refused("\(path) already exists; refusing to overwrite it") }
            throw .io("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        try writeAll(fd, bytes, path)
        guard fsync(fd) == 0 else { throw .io("cannot sync \(path)") }
    }

    /// Writes to a temporary sibling (0600), fsyncs, renames over `path`: readers see the old or the new file, never half.
    static func replaceAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o600) throws(VaultError) {
        removeStaleTemporaries(prefix: path + ".tmp-")
        let tmp = path + ".tmp-\(getpid())"
        unlink(tmp)
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw .io("cannot create \(tmp): \(String(cString: strerror(errno)))") }
        do throws(VaultError) {
            try writeAll(fd, bytes, tmp)
            guard fsync(fd) == 0 else { throw VaultError.io("cannot sync \(tmp)") }
            close(fd)
        } catch {
            close(fd)
            unlink(tmp)
            throw error
        }
        guard rename(tmp, path) == 0 else {
            unlink(tmp)
            throw .io("cannot replace \(path): \(String(cString: strerror(errno)))")
        }
        syncDirectory(of: path)
    }

    /// Reads a file that must not be readable or writable by group or others, that this user
    /// owns, and that lies in a folder where no other user may replace it.
    static func readPrivate(_ path: String, what: String) throws(VaultError) -> [UInt8] {
        var st = stat()
        guard stat(path, &st) == 0 else { throw .notFound("\(what) \(path) not found") }
        guard st.st_mode & 0o077 == 0 else {
            throw .refused("\(what) \(path) is accessible by group or others (mode \(String(st.st_mode & 0o777, radix: 8))); run: chmod 600 \(path)")
        }
        guard st.st_uid == getuid() else { throw .refused("\(what) \(path) belongs to another user; use one of your own") }
        try refuseOpenFolder(of: path, what: what)
        return try read(path, what: what)
    }

    /// A folder others may write to without the sticky bit lets them swap the file for theirs.
    static func refuseOpenFolder(of path: String, what: String) throws(VaultError) {
        let folder = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().resolvingSymlinksInPath().path
        var st = stat()
        guard stat(folder, &st) == 0 else { return }
        let othersMayWrite = st.st_mode & 0o002 != 0 && st.st_mode & mode_t(S_ISVTX) == 0
        guard !othersMayWrite && (st.st_uid == getuid() || st.st_uid == 0) else {
            throw .refused("\(what) \(path) lies in \(folder), which another user may write to (mode \(String(st.st_mode & 0o7777, radix: 8))); move it to a folder only you can write, or run: chmod go-w \(folder)")
        }
    }

    static func read(_ path: String, what: String) throws(VaultError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            if FileManager.default.fileExists(atPath: path) { throw .io("cannot read \(what) \(path)") }
            throw .notFound("\(what) \(path) not found")
        }
        return [UInt8](data)
    }

    /// Refuses paths inside a folder named `Keys`: that folder holds only public keys, for review in git.
    /// The folder is judged both as written and with symlinks resolved, so a link to Keys/ is no way in.
    static func refuseKeysFolder(_ path: String) throws(VaultError) {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let folder = url.deletingLastPathComponent()
        let spelled = folder.pathComponents
        let resolved = folder.resolvingSymlinksInPath().pathComponents
        if spelled.contains("Keys") || resolved.contains("Keys") {
            throw .refused("refusing to write a secret key into a Keys/ folder, which holds public keys only")
        }
    }

    /// Removes what a killed process left behind: siblings named `prefix` + a process id whose
    /// process no longer runs (a temporary state file, an unfinished export folder). A live
    /// process's temporary is never touched.
    static func removeStaleTemporaries(prefix: String) {
        let dir = (prefix as NSString).deletingLastPathComponent
        let stem = (prefix as NSString).lastPathComponent
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.isEmpty ? "." : dir) else { return }
        for name in names where name.hasPrefix(stem) {
            guard let pid = pid_t(name.dropFirst(stem.count)), pid > 0, pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(atPath: (dir.isEmpty ? "" : dir + "/") + name)
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], _ path: String) throws(VaultError) {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            guard n > 0 else { throw .io("cannot write \(path)") }
            written += n
        }
    }

    private static func syncDirectory(of path: String) {
        let dir = (path as NSString).deletingLastPathComponent
        let fd = open(dir.isEmpty ? "." : dir, O_RDONLY | O_CLOEXEC)
        if fd >= 0 { fsync(fd); close(fd) }
    }
}

extension SecureFile {
    /// An output file checked and claimed before any work (in the destination folder, mode 0600)
    /// and named only once filled, so a failed or killed command never leaves an empty file
    /// behind and never clobbers an existing one.
    public final class Reservation {
        public let path: String
        private let partial: String
        private let fd: Int32

        /// The bytes go to a sibling `NAME.partial-PID` (O_EXCL, 0600) that is linked to NAME only
        /// when complete, so NAME never exists empty or half written, even after SIGKILL. A
        /// sibling left by a killed command is removed when the same output is next claimed.
        public init(_ path: String) throws(VaultError) {
            var st = stat()
            guard lstat(path, &st) != 0 else { throw .refused("\(path) already exists; refusing to overwrite it") }
            Self.removeAbandonedPartials(of: path)
            let partial = path + ".partial-\(getpid())"
            // Open before any stored property is set: a failed init then never runs deinit.
            let fd = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw .io("cannot create \(path): \(String(cString: strerror(errno)))") }
            self.path = path
            self.partial = partial
            self.fd = fd
        }

        /// Writes `bytes`, syncs and gives the file its name (link(2) never replaces an existing file).
        public func commit(_ bytes: [UInt8]) throws(VaultError) {
            try SecureFile.writeAll(fd, bytes, partial)
            guard fsync(fd) == 0 else { throw .io("cannot write \(path)") }
            guard link(partial, path) == 0 else {
                if errno == EEXIST { throw .refused("\(path) already exists; refusing to overwrite it") }
                throw .io("cannot write \(path): \(String(cString: strerror(errno)))")
            }
        }

        /// Removes `path.partial-PID` files whose process no longer runs, and those of siblings of
        /// the same kind (`*.cvb.partial-PID` beside a `.cvb`): a killed run may have named another output.
        static func removeAbandonedPartials(of path: String) {
            let url = URL(fileURLWithPath: path)
            let folder = url.deletingLastPathComponent().path
            let kind = url.pathExtension.isEmpty ? url.lastPathComponent : "." + url.pathExtension
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
                guard let marker = name.range(of: ".partial-", options: .backwards), name[..<marker.lowerBound].hasSuffix(kind),
                      let pid = Int32(name[marker.upperBound...]), pid > 0, kill(pid, 0) != 0, errno == ESRCH else { continue }
                unlink(folder + "/" + name)
            }
        }

        deinit {
            close(fd)
            unlink(partial)
        }
    }
}
