using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;

namespace SmtpTools.Infrastructure
{
    /// <summary>
    /// Turns what Export-EmailDomainReport and Compare-EmailDomainReport receive into reports: live reports as they are;
    /// reports that went through Export-Clixml, a job or remoting (Deserialized.SmtpTools.EmailDomainReport property
    /// bags) or through the JSON export and ConvertFrom-Json (PSCustomObjects) rebuilt from the properties both readers
    /// use (the flat columns, GradeReasons, CheckedAt, Checks, Findings). The full check results (Spf, Dmarc, Dkim) are
    /// not rebuilt: nothing downstream reads them.
    /// </summary>
    internal static class EmailDomainReportInput
    {
        /// <summary>The report <paramref name="input"/> is or stands for; null when it is not one.</summary>
        public static EmailDomainReport Read(object input)
        {
            if (input == null) return null;
            var ps = PSObject.AsPSObject(input);
            if (ps.BaseObject is EmailDomainReport live) return live;
            if (ps.Properties["Domain"] == null || ps.Properties["Grade"] == null || ps.Properties["Checks"] == null) return null;
            var domain = Text(ps, "Domain");
            if (string.IsNullOrEmpty(domain) || !TryEnum(Value(ps, "Grade"), out EmailDomainGrade grade)) return null;
            var report = new EmailDomainReport
            {
                Domain = domain,
                Grade = grade,
                GradeReasons = Items(Value(ps, nameof(EmailDomainReport.GradeReasons))).Select(o => o?.ToString()).Where(x => x != null).ToArray(),
                CheckedAt = Date(Value(ps, nameof(EmailDomainReport.CheckedAt))),
                Checks = Items(Value(ps, nameof(EmailDomainReport.Checks))).Select(ReadCheck).Where(c => c != null).ToArray(),
                Findings = Items(Value(ps, nameof(EmailDomainReport.Findings))).Select(ReadFinding).Where(f => f != null).ToArray(),
            };
            // The settable flat columns (SpfStatus, MxCount, Listed …), by the names the CSV and JSON exports use too.
            foreach (var property in typeof(EmailDomainReport).GetProperties())
            {
                if (!property.CanWrite || property.Name == "Domain" || property.Name == "Grade" || !Flat(property.PropertyType)) continue;
                var value = Value(ps, property.Name);
                if (value == null) continue;
                if (LanguagePrimitives.TryConvertTo(value, property.PropertyType, CultureInfo.InvariantCulture, out object converted))
                    property.SetValue(report, converted);
            }
            return report;
        }

        private static bool Flat(Type type) => type == typeof(string) || type == typeof(int?) || type == typeof(bool?);

        private static EmailDomainCheckResult ReadCheck(object item)
        {
            if (item == null) return null;
            var ps = PSObject.AsPSObject(item);
            if (ps.BaseObject is EmailDomainCheckResult live) return live;
            if (!TryEnum(Value(ps, "Check"), out EmailDomainCheck check) || !TryEnum(Value(ps, "Status"), out EmailDomainCheckStatus status)) return null;
            return new EmailDomainCheckResult
            {
                Check = check,
                Status = status,
                CheckStatus = Text(ps, nameof(EmailDomainCheckResult.CheckStatus)),
                Summary = Text(ps, nameof(EmailDomainCheckResult.Summary)),
                Records = Items(Value(ps, nameof(EmailDomainCheckResult.Records))).Select(o => o?.ToString()).Where(s => s != null).ToArray(),
                Message = Text(ps, nameof(EmailDomainCheckResult.Message)),
                DurationMs = Number(Value(ps, nameof(EmailDomainCheckResult.DurationMs))),
                FindingCount = (int)Number(Value(ps, nameof(EmailDomainCheckResult.FindingCount))),
                ErrorCount = (int)Number(Value(ps, nameof(EmailDomainCheckResult.ErrorCount))),
                WarningCount = (int)Number(Value(ps, nameof(EmailDomainCheckResult.WarningCount))),
            };
        }

        private static EmailDomainFinding ReadFinding(object item)
        {
            if (item == null) return null;
            var ps = PSObject.AsPSObject(item);
            if (ps.BaseObject is EmailDomainFinding live) return live;
            var id = Text(ps, "Id");
            if (id == null || !TryEnum(Value(ps, "Check"), out EmailDomainCheck check) || !TryEnum(Value(ps, "Severity"), out FindingSeverity severity)) return null;
            var count = (int)Number(Value(ps, nameof(EmailDomainFinding.Count)));
            return new EmailDomainFinding
            {
                Check = check, Id = id, Severity = severity, Message = Text(ps, "Message"), Reference = Text(ps, "Reference"), Count = count < 1 ? 1 : count,
            };
        }

        private static object Value(PSObject ps, string name) => ps.Properties[name]?.Value;

        private static string Text(PSObject ps, string name)
        {
            var value = ps.Properties[name]?.Value;
            return value?.ToString();
        }

        /// <summary>Enum from its name (JSON, deserialized enums' ToString) or its number.</summary>
        private static bool TryEnum<T>(object value, out T result) where T : struct
        {
            result = default;
            if (value == null) return false;
            if (value is T direct) { result = direct; return true; }
            if (value is PSObject p && p.BaseObject is T inner) { result = inner; return true; }
            var text = value.ToString();
            return Enum.TryParse(text, true, out result) && Enum.IsDefined(typeof(T), result);
        }

        private static long Number(object value)
        {
            if (value == null) return 0;
            return LanguagePrimitives.TryConvertTo(value, CultureInfo.InvariantCulture, out long n) ? n : 0;
        }

        private static DateTime Date(object value)
        {
            if (value == null) return default;
            var inner = value is PSObject p ? p.BaseObject : value;
            if (inner is DateTime d) return d.ToUniversalTime();
            return DateTime.TryParse(inner.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : default;
        }

        private static IEnumerable<object> Items(object value)
        {
            if (value == null) return Array.Empty<object>();
            var inner = value is PSObject p ? p.BaseObject : value;
            if (inner is string) return new[] { inner };
            var enumerable = LanguagePrimitives.GetEnumerable(inner);
            return enumerable == null ? new[] { value } : enumerable.Cast<object>();
        }
    }
}
