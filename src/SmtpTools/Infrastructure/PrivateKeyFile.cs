using System;
using System.IO;
using System.Text;
#if !NET8_0_OR_GREATER
using System.Security.AccessControl;
using System.Security.Principal;
#endif

namespace SmtpTools.Infrastructure
{
    /// <summary>
    /// Writes secret files readable by their owner only. The file is created with those permissions from the
    /// first byte (never chmod after writing), in the target folder under a temporary name, then moved into
    /// place so a failure never leaves a half-written key behind.
    /// </summary>
    internal static class PrivateKeyFile
    {
        /// <exception cref="IOException">The file exists and <paramref name="overwrite"/> is false, or writing failed.</exception>
        /// <exception cref="UnauthorizedAccessException">The folder is not writable.</exception>
        public static void Write(string path, string content, bool overwrite)
        {
            var directory = Path.GetDirectoryName(path);
            var temp = Path.Combine(string.IsNullOrEmpty(directory) ? "." : directory, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
            var bytes = Encoding.ASCII.GetBytes(content);
            try
            {
                using (var stream = CreateOwnerOnly(temp))
                    stream.Write(bytes, 0, bytes.Length);
                Array.Clear(bytes, 0, bytes.Length);
#if NET8_0_OR_GREATER
                File.Move(temp, path, overwrite);
#else
                if (overwrite && File.Exists(path)) File.Delete(path);
                File.Move(temp, path);
#endif
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
        }

        private static FileStream CreateOwnerOnly(string path)
        {
#if NET8_0_OR_GREATER
            if (!OperatingSystem.IsWindows())
            {
                return new FileStream(path, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    Share = FileShare.None,
                    UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                });
            }
            return WindowsOwnerOnly(path);
        }

        [System.Runtime.Versioning.SupportedOSPlatform("windows")]
        private static FileStream WindowsOwnerOnly(string path)
        {
            var security = new System.Security.AccessControl.FileSecurity();
            var owner = System.Security.Principal.WindowsIdentity.GetCurrent().User;
            security.SetOwner(owner);
            // Protected: no inherited entries from the folder (which often grant Users or Everyone read access).
            security.SetAccessRuleProtection(true, false);
            security.AddAccessRule(new System.Security.AccessControl.FileSystemAccessRule(owner, System.Security.AccessControl.FileSystemRights.FullControl, System.Security.AccessControl.AccessControlType.Allow));
            return System.IO.FileSystemAclExtensions.Create(new FileInfo(path), FileMode.CreateNew, System.Security.AccessControl.FileSystemRights.Write, FileShare.None, 4096, FileOptions.None, security);
#else
            // net472 is loaded by Windows PowerShell 5.1 only, i.e. always on Windows.
            var security = new FileSecurity();
            var owner = WindowsIdentity.GetCurrent().User;
            security.SetOwner(owner);
            security.SetAccessRuleProtection(true, false);
            security.AddAccessRule(new FileSystemAccessRule(owner, FileSystemRights.FullControl, AccessControlType.Allow));
            return File.Create(path, 4096, FileOptions.None, security);
#endif
        }
    }
}
