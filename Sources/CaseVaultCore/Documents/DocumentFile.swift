import Foundation
import SodiumKit
#if canImport(Glibc)
import Glibc
#endif

/// Moving a document's plaintext between the file a user names and secure memory, with no copy
/// in between: no temporary file, no ordinary heap buffer.
public enum DocumentFile {
    /// Reads `path` (a regular file of at most 20 MiB) into secure memory. Too large a file is
    /// refused from its size, before it is read.
    public static func read(_ path: String) throws(VaultError) -> SecureBytes {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { throw .notFound("\(path) not found") }
            throw .io("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { throw .input("\(path) is not a regular file") }
        let size = Int(st.st_size)
        guard size > 0 else { throw .input("\(path) is empty") }
        guard size <= DocumentRules.maxBytes else {
            throw .input("\(path) is \(size) bytes; a document may be at most \(DocumentRules.maxBytes) (20 MiB)")
        }
        var failure: VaultError?
        let content: SecureBytes
        do {
            content = try SecureBytes(count: size) { buffer in
                var done = 0
                while done < size {
                    let n = Glibc.read(fd, buffer.baseAddress! + done, size - done)
                    if n < 0 && errno == EINTR { continue }
                    guard n > 0 else { failure = .io("cannot read \(path): it changed while being read"); return }
                    done += n
                }
            }
        } catch { throw .io("secure memory could not be allocated for \(path)") }
        if let failure { throw failure }
        return content
    }

    /// Writes `content` to `path` with mode 0600: a new file, or with `force` an existing one
    /// replaced (its mode set to 0600 first). `-` writes to standard output. A symbolic link
    /// at `path` is refused.
    public static func write(_ content: SecureBytes, to path: String, force: Bool) throws(VaultError) {
        if path == "-" { return try writeAll(content, fd: STDOUT_FILENO, path: "standard output") }
        let flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | (force ? 0 : O_EXCL)
        let fd = open(path, flags, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { throw .refused("\(path) already exists; give another path, or --force to replace it") }
            if errno == ELOOP { throw .refused("\(path) is a symbolic link; give the file's own path") }
            throw .io("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { throw .refused("\(path) is not a regular file") }
        guard fchmod(fd, 0o600) == 0, ftruncate(fd, 0) == 0 else { throw .io("cannot make \(path) private: \(String(cString: strerror(errno)))") }
        try writeAll(content, fd: fd, path: path)
        guard fsync(fd) == 0 else { throw .io("cannot sync \(path)") }
    }

    private static func writeAll(_ content: SecureBytes, fd: Int32, path: String) throws(VaultError) {
        let ok = content.withUnsafeBytes { b in
            var done = 0
            while done < b.count {
                let n = Glibc.write(fd, b.baseAddress! + done, b.count - done)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                done += n
            }
            return true
        }
        guard ok else { throw .io("cannot write \(path)") }
    }
}

extension CaseDocument {
    /// `documents[3].content`: it holds the document's key, so it is never printed.
    public static func isContentPath(_ path: String) -> Bool { DocumentReference.isContentPath(path) }
}
