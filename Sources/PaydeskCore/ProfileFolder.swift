import Foundation

extension PaydeskConfig {
    /// `profile`'s data folder, checked before anything there is read or written: a real folder (not a link),
    /// owned by this user, and not the same folder as any other profile's, however that one is reached. So
    /// nothing done on TEST can touch PROD's files. A folder that does not exist yet is created private later.
    public func checkedDataDirectory(of profile: Profile) throws -> String {
        let path = paths.dataDirectory(profile: profile.name)
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
        guard own.st_uid == geteuid() else {
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
}
