import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reading an export folder. Every problem here is a malformed export (exit 65), never a crash.
struct AuditFolder {
    let path: String

    func file(_ name: String) -> String { path + "/" + name }

    func read(_ name: String) throws(AuditFailure) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: file(name)) else {
            throw .malformed(name, FileManager.default.fileExists(atPath: file(name)) ? "cannot be read" : "is missing from the export")
        }
        return [UInt8](data)
    }

    /// The names in a sub-folder, sorted; an absent folder is an error.
    func list(_ folder: String, optional: Bool = false) throws(AuditFailure) -> [String] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file(folder), isDirectory: &isDir), isDir.boolValue else {
            if optional { return [] }
            throw .malformed(folder, "folder is missing from the export")
        }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: file(folder)) else { throw .malformed(folder, "folder cannot be read") }
        return names.sorted()
    }
}

/// A read-only memory map of a (possibly very large) file, unmapped when released. The
/// verifier's workers read entries straight from it: no copy of a gigabyte-sized log.
final class MappedFile: @unchecked Sendable {
    private let base: UnsafeMutableRawPointer?
    let count: Int

    init(path: String, name: String) throws(AuditFailure) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .malformed(name, errno == ENOENT ? "is missing from the export" : "cannot be opened") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { throw .malformed(name, "is not a regular file") }
        count = Int(st.st_size)
        if count == 0 {
            base = nil
            return
        }
        guard let p = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else { throw .malformed(name, "cannot be mapped") }
        madvise(p, count, MADV_SEQUENTIAL)
        base = p
    }

    deinit { if let base { munmap(base, count) } }

    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws(AuditFailure) -> R) throws(AuditFailure) -> R {
        guard let base else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: count))
    }
}
