using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using SmtpTools.Core.Errors;
using SmtpTools.Core.Import;

namespace SmtpTools.Core.Bounces
{
    /// <summary>
    /// Amazon SES bounce, complaint and delivery notifications delivered by e-mail (an SNS topic's e-mail subscription):
    /// one line of JSON with notificationType, and the recipients with their status and diagnostic.
    /// </summary>
    internal static class AmazonSesNotification
    {
        private static readonly Regex JsonLine = new Regex(@"^\s*\{\s*""notificationType""\s*:.*\}\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant);

        public static bool TryRead(string notification, BounceImporter.Common common, out List<SmtpBounce> bounces)
        {
            bounces = null;
            var m = JsonLine.Match(notification);
            if (!m.Success) return false;
            Node root;
            try
            {
                var bytes = Encoding.UTF8.GetBytes(m.Value.Trim());
                root = JsonNodes.Read(bytes, bytes.Length);
            }
            catch (SmtpToolsException)
            {
                return false;
            }
            string type = root.ChildText("notificationType");
            var mail = root.Child("mail");
            var headers = mail?.Child("commonHeaders");
            bounces = new List<SmtpBounce>();
            switch (type)
            {
                case "Bounce":
                    var bounce = root.Child("bounce");
                    foreach (var r in bounce?.Child("bouncedRecipients")?.Children ?? Array.Empty<Node>())
                    {
                        string diagnostic = DsnFields.Diagnostic(r.ChildText("diagnosticCode"));
                        string status = StatusCodes.FromStatusField(r.ChildText("status")) ?? StatusCodes.FindEnhanced(diagnostic);
                        var action = string.Equals(r.ChildText("action"), "delayed", StringComparison.OrdinalIgnoreCase) ? SmtpBounceAction.Delayed : SmtpBounceAction.Failed;
                        var b = common.Create(r.ChildText("emailAddress"), "AmazonSes", action, status, StatusCodes.FindReply(diagnostic),
                            TextBounceReader.CommandOf(diagnostic), diagnostic ?? bounce.ChildText("bounceSubType") ?? "", notification);
                        b.DiagnosticCode = diagnostic;
                        b.ReportingMta = DsnFields.Mta(bounce.ChildText("reportingMTA"));
                        bounces.Add(b);
                    }
                    break;
                case "Complaint":
                    bounces = common.NotABounce("AmazonSesComplaint",
                        (root.Child("complaint")?.Child("complainedRecipients")?.Children ?? Array.Empty<Node>()).Select(r => r.ChildText("emailAddress")));
                    break;
                case "Delivery":
                    var delivery = root.Child("delivery");
                    string response = delivery?.ChildText("smtpResponse");
                    bounces = common.NotABounce("AmazonSesDelivery", (delivery?.Child("recipients")?.Children ?? Array.Empty<Node>()).Select(r => r.Text));
                    foreach (var b in bounces) { b.Status = StatusCodes.FindEnhanced(response); b.DiagnosticCode = response; }
                    break;
                default:
                    return false;
            }
            foreach (var b in bounces)
            {
                b.OriginalMessageId = b.OriginalMessageId ?? mail?.ChildText("messageId");
                b.OriginalSubject = b.OriginalSubject ?? headers?.ChildText("subject");
                b.OriginalFrom = b.OriginalFrom ?? mail?.ChildText("source");
            }
            return bounces.Count > 0;
        }
    }
}
