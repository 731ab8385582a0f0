import Foundation

/// Who may use a home's files: its owner alone, as by default, or the members of one Unix group, a shared desk
/// (`shared_group` in config.toml), where several accounts on one host work from one store and one audit trail,
/// each entry under its own account. Others never may, shared or not.
public enum FileSharing: Sendable, Equatable {
    case ownerOnly
    case group(name: String, id: gid_t)

    /// The group `name` as `shared_group` names it, or a config error saying the fix when this host has no such
    /// group or this account is not in it.
    static func group(named name: String, file: String) throws -> FileSharing {
        guard let id = groupID(name) else {
            throw PaydeskError.config("\(file): shared_group \"\(name)\" is not a group on this host: create it (groupadd \(name)) "
                + "and add the desk's accounts to it, or fix the name")
        }
        guard isMember(of: id) else { throw notAMember(name) }
        return .group(name: name, id: id)
    }

    static func notAMember(_ name: String) -> PaydeskError {
        .config("you are not in group \(name), whose members share this desk (shared_group): ask an administrator to add "
            + "\(Origin.account()) to it (usermod -aG \(name) \(Origin.account())), then log in again so the group applies")
    }

    /// Folders: 700, or 2770 on a shared desk (setgid, so whatever is made inside belongs to the group as well).
    var folderMode: mode_t {
        switch self {
        case .ownerOnly: 0o700
        case .group: 0o2770
        }
    }

    /// A file paydesk has just made (a store, the trail, its head, a lock file, a temporary one) gets the desk's
    /// mode, 660, whatever the umask took from the mode `open` asked for: with the usual 022 the other members could
    /// not write it. Its group it has from the setgid folder. Files of the owner alone keep what `open` gave, as ever.
    func applyMode(to fd: Int32, path: String) throws {
        guard case .group = self else { return }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw PaydeskError.io("cannot read \(path): \(systemMessage())") }
        // Another member's file is theirs to set; the data folder's check has seen it is the group's.
        guard info.st_uid == geteuid(), info.st_mode & 0o7777 != 0o660 else { return }
        guard fchmod(fd, 0o660) == 0 else { throw PaydeskError.io("cannot give \(path) the shared desk's mode 660: \(systemMessage())") }
    }

    /// Makes the folder and its missing parents with `folderMode`. On a shared desk they are made only inside a folder
    /// of the group already (the home, checked when the config is read), so sharing never opens a folder elsewhere.
    func makeFolder(_ path: String) throws {
        guard case .group(let name, let id) = self else {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw PaydeskError.io("cannot create folder \(path): \(error.localizedDescription)")
            }
            return
        }
        var missing: [String] = []
        var existing = path
        var info = stat()
        while stat(existing, &info) != 0 {
            guard errno == ENOENT, existing != "/" else { throw PaydeskError.io("cannot create folder \(path): \(systemMessage())") }
            missing.append(existing)
            existing = (existing as NSString).deletingLastPathComponent
        }
        if let top = missing.last, info.st_gid != id || info.st_mode & S_ISGID == 0 {
            throw PaydeskError.io("cannot create folder \(top) for the shared desk of group \(name): \(existing) is not one of the group's "
                + "folders. Fix: chgrp \(name) \(existing) && chmod 2770 \(existing)")
        }
        for folder in missing.reversed() {
            if mkdir(folder, 0o700) != 0 {
                if errno == EEXIST { continue }   // another member made it a moment ago
                throw PaydeskError.io("cannot create folder \(folder): \(systemMessage())")
            }
            // mkdir's mode passes through the umask too. Through a descriptor of the folder we made, never by path: another
            // member could swap the new folder for a link, and a chmod by path would follow it to a file of ours.
            let fd = open(folder, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { throw PaydeskError.io("cannot open the folder \(folder) just made: \(systemMessage()); it may have been replaced") }
            defer { close(fd) }
            var made = stat()
            guard fstat(fd, &made) == 0, made.st_uid == geteuid(), made.st_mode & S_IFMT == S_IFDIR else {
                throw PaydeskError.io("\(folder) is not the folder paydesk just made: it was replaced meanwhile. Nothing was changed")
            }
            guard fchmod(fd, 0o2770) == 0 else { throw PaydeskError.io("cannot give \(folder) the shared desk's mode 2770: \(systemMessage())") }
        }
    }

    /// The id of group `name`, or nil when there is none.
    static func groupID(_ name: String) -> gid_t? {
        var group = GroupEntry()
        var result: UnsafeMutablePointer<GroupEntry>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        guard getgrnam_r(name, &group, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return group.gr_gid
    }

    /// The name of group `id`, or its number when it has none.
    static func groupName(_ id: gid_t) -> String {
        var group = GroupEntry()
        var result: UnsafeMutablePointer<GroupEntry>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        guard getgrgid_r(id, &group, &buffer, buffer.count, &result) == 0, result != nil, let name = group.gr_name else { return "\(id)" }
        return String(cString: name)
    }

    /// Whether this process acts with group `id` (its own group, or one of its supplementary groups).
    static func isMember(of id: gid_t) -> Bool {
        if getegid() == id { return true }
        let count = getgroups(0, nil)
        guard count > 0 else { return false }
        var groups = [gid_t](repeating: 0, count: Int(count))
        let found = getgroups(count, &groups)
        return groups.prefix(Int(max(found, 0))).contains(id)
    }
}

/// The C library's `struct group` (inside `FileSharing`, `group` names the case).
private typealias GroupEntry = group
