using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace SmtpTools.Module.Tests.Infrastructure
{
    /// <summary>What the imported module exports, asked of the engine, so cmdlets added later are covered without editing tests.</summary>
    public static class ModuleCommands
    {
        /// <summary>Names of every cmdlet Get-Command lists for the module, sorted.</summary>
        public static IReadOnlyList<string> Cmdlets(PsSession session)
        {
            var names = session.Run("Get-Command -Module SmtpTools -CommandType Cmdlet | ForEach-Object { $_.Name }").ThrowOnError()
                .Output.Select(o => o.ToString()).OrderBy(n => n, StringComparer.Ordinal).ToList();
            if (names.Count == 0) throw new InvalidOperationException("Get-Command -Module SmtpTools lists no cmdlets.");
            return names;
        }

        /// <summary>The cmdlet's own parameters: everything except the common parameters (-Verbose, -ErrorAction …).</summary>
        public static IReadOnlyList<string> OwnParameters(PsSession session, string cmdlet) =>
            session.Run($"(Get-Command '{cmdlet}').Parameters.Keys").ThrowOnError().Output.Select(o => o.ToString())
                .Where(n => !Cmdlet.CommonParameters.Contains(n))
                .ToList();
    }
}
