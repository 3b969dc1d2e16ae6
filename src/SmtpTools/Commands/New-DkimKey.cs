using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using SmtpTools.Core.Dkim;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Errors;
using SmtpTools.Infrastructure;

namespace SmtpTools.Commands
{
    /// <summary>
    /// Makes a DKIM key pair: writes the private key (PEM PKCS#8, owner-only) and returns the DNS record to publish.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "DkimKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(DkimKey))]
    public sealed class NewDkimKeyCommand : AsyncCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("DomainName", "Name")]
        // A blank cell is an InvalidDomainName / InvalidDkimSelector error like any other bad name.
        [AllowEmptyString]
        public string Domain { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        public string Selector { get; set; }

        [Parameter]
        public DkimKeyAlgorithm KeyAlgorithm { get; set; } = DkimKeyAlgorithm.Rsa;

        [Parameter]
        [ValidateSet("1024", "2048", "3072", "4096")]
        public int KeyLength { get; set; } = 2048;

        /// <summary>File for the private key, or an existing folder to put <c>selector.domain.key</c> in.</summary>
        [Parameter]
        [Alias("PrivateKeyPath", "FilePath")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter Testing { get; set; }

        [Parameter]
        public SwitchParameter StrictSubdomains { get; set; }

        [Parameter]
        public DkimServiceType ServiceType { get; set; } = DkimServiceType.Any;

        [Parameter]
        public DkimHashAlgorithm HashAlgorithm { get; set; } = DkimHashAlgorithm.Sha256;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Note { get; set; }

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            if (KeyAlgorithm == DkimKeyAlgorithm.Ed25519 && MyInvocation.BoundParameters.ContainsKey(nameof(KeyLength)))
            {
                ThrowTerminatingError(ErrorRecordFactory.Create(ErrorIds.DkimKeyLengthNotApplicable, ErrorCategory.InvalidArgument,
                    "-KeyLength applies to RSA keys only; Ed25519 keys are always 256 bits.", KeyLength));
            }
        }

        protected override void ProcessRecord()
        {
            // Both names are checked as DNS names before they become a file name or a zone-file line: no path
            // separators, no '..', no CR/LF, no empty labels. A bad row is an error and the pipeline goes on.
            string domain, selector, dnsName;
            try
            {
                domain = DomainNames.Normalize(Domain);
                selector = DomainNames.NormalizeSelector(Selector);
                dnsName = DkimRecordBuilder.DnsName(selector, domain);
            }
            catch (SmtpToolsException ex)
            {
                WriteError(ErrorRecordFactory.FromException(ex, ex.ErrorId == ErrorIds.InvalidDomainName ? Domain : Selector));
                return;
            }

            string path;
            try
            {
                path = ResolveKeyPath(domain, selector);
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                WriteError(ErrorRecordFactory.FromException(ex, Path));
                return;
            }

            if (File.Exists(path) && !Force)
            {
                var exists = new SmtpToolsException(ErrorIds.DkimKeyFileExists, FailureKind.ResourceExists,
                    $"The key file '{path}' already exists. Use -Force to replace it (the old key stops working once its DNS record is replaced).");
                WriteError(ErrorRecordFactory.FromException(exists, path));
                return;
            }

            if (!ShouldProcess(path, $"Create a {Describe()} DKIM private key for {dnsName}")) return;

            try
            {
                var key = DkimPrivateKey.Generate(KeyAlgorithm, KeyLength);
                var record = DkimRecordBuilder.BuildRecord(key, new DkimRecordOptions
                {
                    Testing = Testing,
                    StrictSubdomains = StrictSubdomains,
                    EmailOnly = ServiceType == DkimServiceType.Email,
                    HashAlgorithm = MyInvocation.BoundParameters.ContainsKey(nameof(HashAlgorithm)) ? HashAlgorithm.ToString().ToLowerInvariant() : null,
                    Note = Note,
                });
                var strings = DkimRecordBuilder.SplitIntoStrings(record).ToArray();
                PrivateKeyFile.Write(path, key.ToPkcs8Pem(), Force);
                WriteVerbose($"Wrote the private key to {path} (owner-only permissions).");
                WriteObject(new DkimKey
                {
                    Domain = domain,
                    Selector = selector,
                    KeyAlgorithm = KeyAlgorithm,
                    KeyLength = key.KeyLength,
                    DnsName = dnsName,
                    DnsRecord = record,
                    DnsRecordStrings = strings,
                    ZoneFileRecord = DkimRecordBuilder.ZoneFileRecord(dnsName, strings),
                    PrivateKeyPath = path,
                    PublicKeyFingerprint = key.PublicKeyFingerprint,
                    Testing = Testing,
                    CreatedUtc = DateTime.UtcNow,
                });
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                WriteError(ErrorRecordFactory.FromException(ex, path));
            }
        }

        private string Describe() => KeyAlgorithm == DkimKeyAlgorithm.Ed25519 ? "Ed25519" : $"{KeyLength}-bit RSA";

        /// <summary>-Path as a file, or as a folder (existing, or written with a trailing separator); default: the current location.</summary>
        private string ResolveKeyPath(string domain, string selector)
        {
            var fileName = selector + "." + domain + ".key";
            if (string.IsNullOrEmpty(Path))
                return InFolder(SessionState.Path.CurrentFileSystemLocation.ProviderPath, fileName);
            var resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            if (Directory.Exists(resolved) || Path.EndsWith("/") || Path.EndsWith("\\"))
            {
                if (!Directory.Exists(resolved))
                    throw new DirectoryNotFoundException($"The folder '{resolved}' does not exist.");
                return InFolder(resolved, fileName);
            }
            var parent = System.IO.Path.GetDirectoryName(resolved);
            if (!string.IsNullOrEmpty(parent) && !Directory.Exists(parent))
                throw new DirectoryNotFoundException($"The folder '{parent}' does not exist.");
            return resolved;
        }

        /// <summary>
        /// The key file in <paramref name="folder"/>. The names are already valid DNS names, so the file name holds no
        /// separator or '..'; checking the final path as well keeps that guarantee where the path is made, whatever
        /// changes in the name rules later.
        /// </summary>
        private static string InFolder(string folder, string fileName)
        {
            var full = System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, fileName));
            char[] separators = { System.IO.Path.DirectorySeparatorChar, System.IO.Path.AltDirectorySeparatorChar };
            if (!string.Equals(System.IO.Path.GetDirectoryName(full)?.TrimEnd(separators), System.IO.Path.GetFullPath(folder).TrimEnd(separators), StringComparison.Ordinal))
                throw new SmtpToolsException(ErrorIds.DkimKeyPathOutsideFolder, FailureKind.InvalidArgument,
                    $"The key file name '{fileName}' would leave the folder '{folder}'; give -Path as the file to write.");
            return full;
        }
    }
}
