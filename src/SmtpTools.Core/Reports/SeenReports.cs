using System;
using System.Collections.Generic;

namespace SmtpTools.Core.Reports
{
    /// <summary>
    /// The aggregate reports one import has seen, by reporter, policy domain and report id (the same report delivered
    /// twice, or kept in two mailboxes): the first file that had each, so a later copy is flagged or left out.
    /// Thread-safe.
    /// </summary>
    internal sealed class SeenReports
    {
        // Report key → the file it was first seen in.
        private readonly Dictionary<string, string> _first = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        /// <summary>True for the first report with this reporter, domain and id; else false and the file that had it first.</summary>
        public bool FirstSighting(string orgName, string reportEmail, string policyDomain, string reportId, string file, out string firstFile)
        {
            string key = (orgName ?? "") + "|" + (reportEmail ?? "") + "|" + policyDomain + "|" + reportId;
            lock (_first)
            {
                if (_first.TryGetValue(key, out firstFile)) return false;
                _first.Add(key, file);
                return true;
            }
        }

        /// <summary>The Verbose line for a duplicate left out (-Unique).</summary>
        public static string LeftOut(string file, string orgName, string reportEmail, string policyDomain, string reportId, string firstFile) =>
            $"{file}: report {reportId} from {(string.IsNullOrEmpty(orgName) ? reportEmail ?? "(no name)" : orgName)} for {policyDomain} left out, a duplicate of the one in {firstFile}.";
    }
}
