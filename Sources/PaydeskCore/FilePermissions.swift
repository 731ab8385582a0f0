import Foundation

/// Files that hold secrets, or decide where money moves, must be private to their owner, or on a shared desk to
/// its group; never open to others. Like OpenSSH with a private key, paydesk refuses them otherwise, and says the
/// command that fixes it.
enum FilePermissions {
    /// What a file is to a shared desk's group.
    enum Role {
        /// The desk's own (config, stores, the trail, its head, lock files): the group's, read and written by every member.
        case deskFile
        /// A credential: read by the members, written by none. It may live anywhere, so its group matters only when it can read.
        case secret
    }

    /// Throws a config error naming the file and the fix when it is open to more people than `sharing` allows.
    static func require(_ path: String, what: String, role: Role, sharing: FileSharing) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw PaydeskError.config("cannot read \(what) \(path): \(systemMessage())")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw PaydeskError.config(RegularFile.notRegular(path, RegularFile.kind(info.st_mode), what))
        }
        if let problem = problem(info, path, role: role, sharing: sharing) { throw PaydeskError.config("\(what) \(path) \(problem)") }
    }

    /// Why a file is refused, said after its name, or nil.
    static func problem(_ info: stat, _ path: String, role: Role, sharing: FileSharing) -> String? {
        let mode = info.st_mode & 0o777
        let octal = String(mode, radix: 8)
        guard case .group(let name, let id) = sharing else {
            guard mode & 0o077 != 0 else { return nil }
            return "can be read or written by group or others (mode \(octal)); paydesk refuses it. Fix: chmod 600 \(path)"
        }
        let fix = role == .secret ? "640" : "660"
        if mode & 0o007 != 0 {
            return "can be read or written by others (mode \(octal)); paydesk refuses it, on a shared desk too. Fix: chmod \(fix) \(path)"
        }
        if mode & (role == .secret ? 0o030 : 0o010) != 0 {
            return role == .secret
                ? "can be written or run by its group (mode \(octal)): on a shared desk the group may read a secret, never change it. Fix: chmod 640 \(path)"
                : "can be run by its group (mode \(octal)): a shared desk's files are for reading and writing. Fix: chmod 660 \(path)"
        }
        guard info.st_gid != id, role == .deskFile || mode & 0o070 != 0 else { return nil }
        return "belongs to group \(FileSharing.groupName(info.st_gid)), not \(name) (shared_group)"
            + (role == .deskFile ? ": a shared desk's files are its group's" : ", so its group permission lets people outside the desk read it")
            + ". Fix: chgrp \(name) \(path)"
    }

    /// Throws a config error when `path`, one of a shared desk's folders, is not its group's with mode 2770: setgid, so
    /// what is made inside is the group's too; no sticky bit, so one member may replace another's file (a head, a
    /// compacted store); nothing for others.
    static func requireSharedFolder(_ path: String, what: String, _ info: stat, name: String, id: gid_t) throws {
        let mode = info.st_mode & 0o7777
        guard info.st_gid != id || mode != 0o2770 else { return }
        throw PaydeskError.config("\(what) \(path) is not a folder of the shared desk (group \(FileSharing.groupName(info.st_gid)), "
            + "mode \(String(mode, radix: 8))): with shared_group = \"\(name)\" every folder of the desk is group \(name)'s with mode 2770. "
            + "Fix: chgrp \(name) \(path) && chmod 2770 \(path)")
    }
}
