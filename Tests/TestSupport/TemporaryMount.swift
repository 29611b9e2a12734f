public import Foundation

/// A small tmpfs mounted for one test, to fill its disk or make it read-only; unmounted by
/// ``unmount()``. Mounting needs root (as in CI); ``isAvailable`` says whether it works here.
public final class TemporaryMount: @unchecked Sendable {
    /// The mount point.
    public let path: URL

    private init(path: URL) {
        self.path = path
    }

    /// Whether this process can mount a tmpfs (it runs as root, with the capability).
    public static let isAvailable: Bool = {
        guard geteuid() == 0 else { return false }
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("chronicle-mount-probe-\(UUID().uuidString)")
        guard (try? FileManager.default.createDirectory(at: probe, withIntermediateDirectories: true)) != nil else { return false }
        defer { try? FileManager.default.removeItem(at: probe) }
        guard mountTmpfs(at: probe.path, size: "64k") == 0 else { return false }
        _ = umount(probe.path)
        return true
    }()

    /// Mounts a tmpfs of a size (`"8m"`) at a new directory.
    public static func mount(size: String) throws -> TemporaryMount {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("chronicle-mount-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: path, withIntermediateDirectories: true)
        guard mountTmpfs(at: path.path, size: size) == 0 else {
            throw TestSupportError("Cannot mount a tmpfs at \(path.path): \(String(cString: strerror(errno))).")
        }
        return TemporaryMount(path: path)
    }

    /// Makes the file system read-only, or writable again.
    public func remount(readOnly: Bool) throws {
        let flags = UInt(MS_REMOUNT) | (readOnly ? UInt(MS_RDONLY) : 0)
        guard Glibc.mount("tmpfs", path.path, "tmpfs", flags, nil) == 0 else {
            throw TestSupportError("Cannot remount \(path.path): \(String(cString: strerror(errno))).")
        }
    }

    /// Fills the file system with one file until no byte is left; returns the file, which
    /// deleting frees the space again.
    public func fill() throws -> URL {
        let filler = path.appendingPathComponent("filler-\(UUID().uuidString)")
        let descriptor = open(filler.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw TestSupportError("Cannot create \(filler.path).") }
        defer { close(descriptor) }
        let chunk = [UInt8](repeating: 0, count: 4_096)
        while chunk.withUnsafeBytes({ write(descriptor, $0.baseAddress, $0.count) }) > 0 {}
        var byte: UInt8 = 0
        while write(descriptor, &byte, 1) > 0 {}
        return filler
    }

    /// Makes one file read-only, whatever its permissions say (root ignores them), by mounting
    /// it read-only over itself; ``release(readOnly:)`` undoes it. No process may hold the file
    /// open for writing meanwhile.
    public static func makeReadOnly(_ file: String) throws {
        guard Glibc.mount(file, file, nil, UInt(MS_BIND), nil) == 0 else {
            throw TestSupportError("Cannot bind-mount \(file): \(String(cString: strerror(errno))).")
        }
        guard Glibc.mount("none", file, nil, UInt(MS_REMOUNT) | UInt(MS_BIND) | UInt(MS_RDONLY), nil) == 0 else {
            let reason = String(cString: strerror(errno))
            _ = umount2(file, Int32(MNT_DETACH))
            throw TestSupportError("Cannot make \(file) read-only: \(reason).")
        }
    }

    /// Makes a file made read-only by ``makeReadOnly(_:)`` writable again.
    public static func release(readOnly file: String) {
        _ = umount2(file, Int32(MNT_DETACH))
    }

    /// Gives the mount point to an operating-system user (a database server's).
    public func give(to user: String) throws {
        guard let account = getpwnam(user) else { throw TestSupportError("No user \(user).") }
        guard chown(path.path, account.pointee.pw_uid, account.pointee.pw_gid) == 0 else {
            throw TestSupportError("Cannot give \(path.path) to \(user): \(String(cString: strerror(errno))).")
        }
    }

    /// Unmounts it and removes the mount point.
    public func unmount() {
        _ = umount2(path.path, Int32(MNT_DETACH))
        try? FileManager.default.removeItem(at: path)
    }

    private static func mountTmpfs(at path: String, size: String) -> Int32 {
        Glibc.mount("tmpfs", path, "tmpfs", 0, "size=\(size),mode=0777")
    }
}
