using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SmtpTools.Core.Dkim;
using SmtpTools.Infrastructure;

namespace SmtpTools.Commands
{
    /// <summary>Fetches and audits the DKIM key records of domains, for given or common selectors.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "DkimRecord")]
    [OutputType(typeof(DkimRecordCheck))]
    [OutputType(typeof(bool))]
    public sealed class TestDkimRecordCommand : DnsCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("DomainName", "Name")]
        // Blank cells are not binding errors (those would be written ahead of earlier rows' results): the name check
        // reports them as InvalidDomainName in their place.
        [AllowNull]
        [AllowEmptyString]
        public string[] Domain { get; set; }

        /// <summary>Selectors to check; without it (or with only blank ones, e.g. an empty CSV cell) a built-in list of common selectors is probed.</summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        public string[] Selector { get; set; }

        /// <summary>A private key file whose public half should be the one published.</summary>
        [Parameter]
        [Alias("PrivateKeyPath")]
        [ValidateNotNullOrEmpty]
        public string KeyPath { get; set; }

        /// <summary>Return only true/false per domain: a usable key without errors was found (and matches -KeyPath).</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        private DkimPrivateKey _key;
        private DkimRecordChecker _checker;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            ProgressActivity = "Test-DkimRecord";
            ProgressActivityId = ProgressActivityIds.TestDkimRecord;
            ProgressUnit = "domain(s) checked";
            _checker = new DkimRecordChecker(Resolver);
            if (KeyPath == null) return;
            string path = null;
            try
            {
                path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(KeyPath);
                _key = DkimPrivateKey.Load(path);
                WriteVerbose($"Comparing published keys with the {_key.Algorithm} key in {path} (fingerprint {_key.PublicKeyFingerprint}).");
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                // Every comparison would be meaningless without the key: a set-up failure.
                ThrowTerminatingError(ErrorRecordFactory.FromException(ex, path ?? KeyPath));
            }
        }

        protected override void ProcessRecord()
        {
            var selectors = Selector?.Where(s => !string.IsNullOrWhiteSpace(s)).ToArray();
            if (selectors == null || selectors.Length == 0)
                WriteVerbose($"No -Selector: probing {DkimRecordChecker.CommonSelectors.Count} common selectors and the two Microsoft 365 derives from the domain name.");
            // A blank or malformed domain (or selector) is an error record from the checker, in input order.
            var checker = _checker;
            var key = _key;
            EnqueueEachDomain(Domain, (name, ct) => checker.CheckAsync(name, selectors, key, ct), (string name, IReadOnlyList<DkimRecordCheck> results) =>
            {
                if (VerboseWanted) WriteVerbose($"{name}: {results.Count(r => r.Found)} DKIM key record(s) found, {results.Sum(r => r.FindingCount)} finding(s).");
                Write(results);
            });
        }

        private void Write(IReadOnlyList<DkimRecordCheck> results)
        {
            if (Quiet) WriteObject(DkimRecordChecker.AnyUsable(results));
            else foreach (var r in results) WriteObject(r);
        }
    }
}
