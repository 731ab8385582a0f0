import Foundation

extension PaydeskConfig {
    /// `profile`'s data folder, checked before anything there is read or written: a real folder (not a link),
    /// owned by this user (on a shared desk: by its group, see `requireShared`), and not the same folder as any
    /// other profile's, however that one is reached. So nothing done on TEST can touch PROD's files. A folder that
    /// does not exist yet is created later, private or the desk's.
    public func checkedDataDirectory(of profile: Profile) throws -> String {
        let path = paths.dataDirectory(profile: profile.name)
        if case .group(let name, let id) = sharing { try requireShared(dataRoot: paths.dataRoot, name: name, id: id) }
        var own = stat()
        guard lstat(path, &own) == 0 else {
            if errno == ENOENT { return path }
            throw PaydeskError.config("cannot read the data folder \(path) of profile \(profile.name): \(systemMessage())")
        }
        if own.st_mode & S_IFMT == S_IFLNK {
            throw PaydeskError.config("the data folder \(path) of profile \(profile.name) is a symbolic link: each profile's data must be "
                + "in a folder of its own, so no profile can reach another's files. Replace the link with a real folder")
        }
        guard own.st_mode & S_IFMT == S_IFDIR else {
            throw PaydeskError.config("the data folder \(path) of profile \(profile.name) is not a folder: move it away")
        }
        if case .group(let name, let id) = sharing {
            try FilePermissions.requireSharedFolder(path, what: "the data folder of profile \(profile.name)", own, name: name, id: id)
            try requireShared(contentsOf: path, name: name, id: id, andLocks: true)
        } else if own.st_uid != geteuid() {
            throw PaydeskError.config("the data folder \(path) of profile \(profile.name) belongs to user id \(own.st_uid), not to you "
                + "(\(geteuid())): paydesk keeps each profile's data private to the account that runs it")
        }
        for other in profiles where other.name != profile.name {
            let otherPath = paths.dataDirectory(profile: other.name)
            var theirs = stat()
            if stat(otherPath, &theirs) == 0, theirs.st_dev == own.st_dev, theirs.st_ino == own.st_ino {
                throw PaydeskError.config("the data folders of profiles \(profile.name) and \(other.name) are the same folder (\(otherPath) "
                    + "leads to \(path)): a cancel on one would change the other's records. Give each profile a real folder of its own")
            }
        }
        return path
    }

    /// The folder holding the profiles' folders, when there is one yet: the desk's (2770, its group).
    private func requireShared(dataRoot: String, name: String, id: gid_t) throws {
        var info = stat()
        guard stat(dataRoot, &info) == 0 else {
            if errno == ENOENT { return }
            throw PaydeskError.config("cannot read the data folder \(dataRoot): \(systemMessage())")
        }
        try FilePermissions.requireSharedFolder(dataRoot, what: "the data folder", info, name: name, id: id)
    }

    /// Every file in a shared desk's profile folder and its `locks` folder the group's and nobody else's, and every
    /// folder there the desk's: a store, a trail or an old compacted file opened to others, or to another group, is
    /// refused before anything is read. Links and special files are left to the checks made when they are opened.
    private func requireShared(contentsOf folder: String, name: String, id: gid_t, andLocks: Bool) throws {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw PaydeskError.config("cannot read the data folder \(folder): \(error.localizedDescription)")
        }
        for entry in names.sorted() {
            let path = folder + "/" + entry
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }   // gone since it was listed
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                try FilePermissions.requireSharedFolder(path, what: "the folder", info, name: name, id: id)
                if entry == "locks", andLocks { try requireShared(contentsOf: path, name: name, id: id, andLocks: false) }
            case S_IFREG:
                if let problem = FilePermissions.problem(info, path, role: .deskFile, sharing: sharing) {
                    throw PaydeskError.config("\(path) \(problem)")
                }
            default:
                continue
            }
        }
    }
}
