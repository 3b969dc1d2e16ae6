using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace SmtpTools.Module.Tests.Infrastructure
{
    /// <summary>Reading the properties of cmdlet output in assertions (<c>using static</c> in a test class).</summary>
    internal static class PsObjects
    {
        public static object P(PSObject o, string name) => o.Properties[name].Value;
        public static string S(PSObject o, string name) => P(o, name)?.ToString();
        /// <summary>A list property's items as PSObjects.</summary>
        public static List<PSObject> Items(PSObject o, string name) => ((object[])LanguagePrimitives.ConvertTo(P(o, name), typeof(object[]))).Select(PSObject.AsPSObject).ToList();
        /// <summary>The ids of the Findings, in order.</summary>
        public static string[] Ids(PSObject o) => Items(o, "Findings").Select(f => S(f, "Id")).ToArray();
    }
}
