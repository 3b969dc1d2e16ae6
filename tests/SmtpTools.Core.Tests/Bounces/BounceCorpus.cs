using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using SmtpTools.Core.Bounces;

namespace SmtpTools.Core.Tests.Bounces
{
    /// <summary>
    /// testdata/bounces (sisimai's set-of-emails, BSD-2-Clause) and how a result is scored against expected.json, which
    /// holds sisimai's own answers.
    /// </summary>
    internal static class BounceCorpus
    {
        public static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "testdata", "bounces");

        public sealed record Expected(string Recipient, string Status, string Reason, bool HardBounce, bool StatusInMail);

        public static readonly Lazy<Dictionary<string, List<Expected>>> Cases = new(() =>
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "expected.json")));
            return doc.RootElement.EnumerateObject().ToDictionary(
                f => f.Name,
                f => f.Value.EnumerateArray().Select(r => new Expected(
                    r.GetProperty("recipient").GetString(),
                    r.GetProperty("status").ValueKind == JsonValueKind.Null ? null : r.GetProperty("status").GetString(),
                    r.GetProperty("reason").GetString(),
                    r.GetProperty("hardbounce").GetBoolean(),
                    r.TryGetProperty("status_in_mail", out var s) && s.GetBoolean())).ToList());
        });

        /// <summary>
        /// sisimai's reason names → ours: the one mapping table (README "Bounce reasons" shows the same). Several of
        /// sisimai's finer reasons fold into one of ours; feedback, vacation and delivered are not bounces.
        /// </summary>
        public static readonly IReadOnlyDictionary<string, SmtpBounceReason> SisimaiToOurs = new Dictionary<string, SmtpBounceReason>
        {
            ["userunknown"] = SmtpBounceReason.UserUnknown,
            ["hasmoved"] = SmtpBounceReason.UserUnknown,
            ["hostunknown"] = SmtpBounceReason.HostUnknown,
            ["notaccept"] = SmtpBounceReason.HostUnknown,
            ["mailboxfull"] = SmtpBounceReason.MailboxFull,
            ["suspend"] = SmtpBounceReason.Suspended,
            ["filtered"] = SmtpBounceReason.Filtered,
            ["rejected"] = SmtpBounceReason.PolicyRejected,
            ["policyviolation"] = SmtpBounceReason.PolicyRejected,
            ["norelaying"] = SmtpBounceReason.PolicyRejected,
            ["spamdetected"] = SmtpBounceReason.SpamDetected,
            ["blocked"] = SmtpBounceReason.Blocked,
            ["badreputation"] = SmtpBounceReason.Blocked,
            ["requireptr"] = SmtpBounceReason.Blocked,
            ["authfailure"] = SmtpBounceReason.SecurityError,
            ["securityerror"] = SmtpBounceReason.SecurityError,
            ["failedstarttls"] = SmtpBounceReason.SecurityError,
            ["virusdetected"] = SmtpBounceReason.ContentRejected,
            ["contenterror"] = SmtpBounceReason.ContentRejected,
            ["notcompliantrfc"] = SmtpBounceReason.ContentRejected,
            ["mesgtoobig"] = SmtpBounceReason.MessageTooBig,
            ["exceedlimit"] = SmtpBounceReason.MessageTooBig,
            ["toomanyconn"] = SmtpBounceReason.RateLimited,
            ["speeding"] = SmtpBounceReason.RateLimited,
            ["expired"] = SmtpBounceReason.Expired,
            ["networkerror"] = SmtpBounceReason.NetworkError,
            ["systemerror"] = SmtpBounceReason.SystemError,
            ["systemfull"] = SmtpBounceReason.SystemError,
            ["mailererror"] = SmtpBounceReason.SystemError,
            ["syntaxerror"] = SmtpBounceReason.SystemError,
            ["undefined"] = SmtpBounceReason.Undefined,
            ["onhold"] = SmtpBounceReason.Undefined,
            ["feedback"] = SmtpBounceReason.NotABounce,
            ["vacation"] = SmtpBounceReason.NotABounce,
            ["delivered"] = SmtpBounceReason.NotABounce,
        };

        /// <summary>How one mail came out.</summary>
        public sealed class Score
        {
            public string File;
            public bool RecipientsAndStatus;
            public bool ReasonAndHardBounce;
            public List<string> Problems = new List<string>();
            public IReadOnlyList<SmtpBounce> Result;
        }

        public static Score Evaluate(string file)
        {
            var expected = Cases.Value[file];
            var all = new BounceImporter(new BounceImportOptions { IncludeNonBounce = true })
                .ImportFileAsync(Path.Combine(Folder, file), CancellationToken.None).GetAwaiter().GetResult();
            var score = new Score { File = file, Result = all };
            bool notABounce = expected.All(e => SisimaiToOurs[e.Reason] == SmtpBounceReason.NotABounce);
            var got = notABounce ? all.ToList() : all.Where(b => b.Reason != SmtpBounceReason.NotABounce).ToList();

            var expectedSet = expected.Select(e => e.Recipient.ToLowerInvariant()).OrderBy(r => r).ToList();
            var gotSet = got.Select(b => (b.Recipient ?? "").ToLowerInvariant()).OrderBy(r => r).ToList();
            bool recipients = expectedSet.SequenceEqual(gotSet);
            if (!recipients) score.Problems.Add($"recipients: expected [{string.Join(", ", expectedSet)}], got [{string.Join(", ", gotSet)}]");
            bool status = recipients, reason = recipients;
            foreach (var e in expected)
            {
                var b = got.FirstOrDefault(x => string.Equals(x.Recipient, e.Recipient, StringComparison.OrdinalIgnoreCase));
                if (b == null) continue;
                if (notABounce)
                {
                    if (b.Reason != SmtpBounceReason.NotABounce) { reason = false; score.Problems.Add($"{e.Recipient}: expected NotABounce, got {b.Reason}"); }
                    continue;
                }
                bool statusOk = e.StatusInMail ? b.Status == e.Status : b.Status != null && b.Status[0] == e.Status[0];
                if (!statusOk) { status = false; score.Problems.Add($"{e.Recipient}: status expected {e.Status}{(e.StatusInMail ? "" : " (class)")}, got {b.Status}"); }
                var want = SisimaiToOurs[e.Reason];
                if (b.Reason != want || b.IsHardBounce != e.HardBounce)
                {
                    reason = false;
                    score.Problems.Add($"{e.Recipient}: reason expected {want} ({e.Reason}) hard={e.HardBounce}, got {b.Reason} hard={b.IsHardBounce}; diag: {b.DiagnosticCode}");
                }
            }
            score.RecipientsAndStatus = recipients && status;
            score.ReasonAndHardBounce = recipients && reason;
            return score;
        }
    }
}
