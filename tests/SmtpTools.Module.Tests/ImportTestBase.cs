using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using SmtpTools.Module.Tests.Infrastructure;
using Xunit;

namespace SmtpTools.Module.Tests
{
    /// <summary>
    /// What the Import-* cmdlet tests share: the hosted session, a temporary folder ($dir in scripts) removed afterwards,
    /// the variables a test class always passes, and the progress check every import cmdlet must pass.
    /// </summary>
    public abstract class ImportTestBase : IDisposable
    {
        protected readonly PsSession _s;
        protected readonly string _dir;
        private readonly IReadOnlyDictionary<string, object> _always;

        /// <param name="always">Script variables every Run gets (e.g. $samples), besides $dir.</param>
        protected ImportTestBase(PsSession session, string folderPrefix, IReadOnlyDictionary<string, object> always = null)
        {
            _s = session;
            _dir = Directory.CreateTempSubdirectory(folderPrefix).FullName;
            _always = always ?? new Dictionary<string, object>();
        }

        public void Dispose() => Directory.Delete(_dir, true);

        protected PsResult Run(string script, Dictionary<string, object> variables = null)
        {
            var vars = variables ?? new Dictionary<string, object>();
            foreach (var pair in _always) vars[pair.Key] = pair.Value;
            vars["dir"] = _dir;
            return _s.Run(script, vars);
        }

        /// <summary>
        /// Runs <paramref name="script"/> with progress on and asserts the cmdlet's progress is a running count (no
        /// percentage) that ends Completed with <paramref name="finalStatus"/>.
        /// </summary>
        protected void AssertProgressCompletes(string cmdlet, string script, Func<PsResult, string> finalStatus)
        {
            var r = Run("$ProgressPreference = 'Continue'; " + script);
            var mine = r.Progress.Where(p => p.Activity == cmdlet).ToList();
            Assert.NotEmpty(mine);
            Assert.All(mine.Where(p => p.RecordType == ProgressRecordType.Processing), p => Assert.Equal(-1, p.PercentComplete));
            Assert.Equal(ProgressRecordType.Completed, mine.Last().RecordType);
            Assert.Equal(finalStatus(r), mine.Last().StatusDescription);
        }
    }
}
