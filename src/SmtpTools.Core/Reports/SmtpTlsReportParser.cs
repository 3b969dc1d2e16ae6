using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using SmtpTools.Core.Errors;
using SmtpTools.Core.Import;

namespace SmtpTools.Core.Reports
{
    /// <summary>
    /// Reads an SMTP TLS report (RFC 8460 section 4) from its JSON tree (<see cref="JsonNodes"/>). TLS reports are small,
    /// and the bytes reaching here are already capped by the decompression budget.
    /// </summary>
    internal static class SmtpTlsReportParser
    {
        /// <summary>True when the JSON object looks like a TLS report (has the RFC 8460 policies member).</summary>
        public static bool IsTlsReport(Node root) => root.Child("policies") != null && root.Child("report-id") != null;

        /// <exception cref="SmtpToolsException">A required member is missing or unreadable.</exception>
        public static SmtpTlsReport Parse(Node root, SmtpTlsReport report)
        {
            report.OrganizationName = root.ChildText("organization-name");
            report.ContactInfo = root.ChildText("contact-info");
            report.ReportId = Required(root, "report-id", "");
            var range = root.Child("date-range") ?? throw Missing("date-range");
            report.Begin = Date(Required(range, "start-datetime", "date-range."), "date-range.start-datetime");
            report.End = Date(Required(range, "end-datetime", "date-range."), "date-range.end-datetime");
            var policies = new List<SmtpTlsPolicyResult>();
            foreach (var item in root.Child("policies").Children)
            {
                var policy = item.Child("policy") ?? throw Missing("policies[].policy");
                var summary = item.Child("summary") ?? throw Missing("policies[].summary");
                var result = new SmtpTlsPolicyResult
                {
                    OrganizationName = report.OrganizationName,
                    ReportId = report.ReportId,
                    Begin = report.Begin,
                    End = report.End,
                    SourceFile = report.SourceFile,
                    PolicyType = PolicyType(Required(policy, "policy-type", "policies[].policy.")),
                    PolicyDomain = Required(policy, "policy-domain", "policies[].policy."),
                    MxHost = MxHost(policy.Child("mx-host")),
                    SuccessfulSessionCount = Count(summary, "total-successful-session-count"),
                    FailedSessionCount = Count(summary, "total-failure-session-count"),
                };
                var lines = new List<string>();
                foreach (var line in policy.Child("policy-string")?.Children ?? Array.Empty<Node>()) lines.Add(line.Text);
                result.PolicyString = lines.ToArray();
                var details = new List<SmtpTlsFailureDetail>();
                foreach (var d in item.Child("failure-details")?.Children ?? Array.Empty<Node>())
                    details.Add(new SmtpTlsFailureDetail
                    {
                        ResultType = d.ChildText("result-type"),
                        SendingMtaIP = d.ChildText("sending-mta-ip"),
                        ReceivingMxHostname = d.ChildText("receiving-mx-hostname"),
                        ReceivingMxHelo = d.ChildText("receiving-mx-helo"),
                        ReceivingIP = d.ChildText("receiving-ip"),
                        FailedSessionCount = Count(d, "failed-session-count"),
                        FailureReasonCode = d.ChildText("failure-reason-code"),
                        AdditionalInformation = d.ChildText("additional-information"),
                    });
                result.FailureDetails = details.ToArray();
                policies.Add(result);
            }
            report.Policies = policies.ToArray();
            return report;
        }

        // RFC 8460 shows mx-host as a string; some reporters send a list of patterns.
        private static string MxHost(Node node)
        {
            if (node == null || node.JsonType == "null") return null;
            if (node.JsonType != "array") return node.Text;
            var hosts = new List<string>();
            foreach (var c in node.Children) hosts.Add(c.Text);
            return string.Join(";", hosts);
        }

        private static SmtpTlsPolicyType? PolicyType(string text) => DmarcAggregateReportParser.Token(text) switch
        {
            "sts" => SmtpTlsPolicyType.Sts,
            "tlsa" => SmtpTlsPolicyType.Tlsa,
            "no-policy-found" => SmtpTlsPolicyType.NoPolicyFound,
            _ => null,
        };

        private static long Count(Node parent, string name)
        {
            string text = parent.ChildText(name);
            if (text == null) return 0;
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long n)) return n;
            throw new SmtpToolsException(ErrorIds.ReportValueInvalid, FailureKind.InvalidData, $"{name} \"{text}\" is not a count.");
        }

        private static DateTime Date(string text, string what)
        {
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)) return date.UtcDateTime;
            throw new SmtpToolsException(ErrorIds.ReportValueInvalid, FailureKind.InvalidData, $"{what} \"{text}\" is not an RFC 3339 date-time.");
        }

        private static string Required(Node parent, string name, string where)
        {
            string value = parent.ChildText(name);
            if (string.IsNullOrEmpty(value)) throw Missing(where + name);
            return value;
        }

        private static SmtpToolsException Missing(string what) =>
            new SmtpToolsException(ErrorIds.ReportElementMissing, FailureKind.InvalidData,
                $"not a complete SMTP TLS report: the member \"{what}\" is missing or empty (RFC 8460 4.4).");
    }
}
