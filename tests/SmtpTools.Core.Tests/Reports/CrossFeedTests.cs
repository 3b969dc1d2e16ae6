using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Bounces;
using SmtpTools.Core.Errors;
using SmtpTools.Core.Reports;
using SmtpTools.Core.Tests.Bounces;
using Xunit;

namespace SmtpTools.Core.Tests.Reports
{
    /// <summary>
    /// Never a crash: every bounce mail given to the report importer, and every report file given to the bounce importer,
    /// ends in a result or in one SmtpToolsException with an ErrorId — no other exception escapes.
    /// </summary>
    public class CrossFeedTests
    {
        public static TheoryData<string> AllFiles
        {
            get
            {
                var data = new TheoryData<string>();
                foreach (var f in Directory.EnumerateFiles(Path.Combine(BounceCorpus.Folder, "files")).OrderBy(f => f, StringComparer.Ordinal))
                    data.Add("bounces/files/" + Path.GetFileName(f));
                foreach (var f in Directory.EnumerateFiles(ReportConformanceTests.Folder, "*", SearchOption.AllDirectories)
                             .Where(f => !f.EndsWith(".md", StringComparison.Ordinal) && !f.EndsWith(".txt", StringComparison.Ordinal))
                             .OrderBy(f => f, StringComparer.Ordinal))
                    data.Add("reports/" + Path.GetRelativePath(ReportConformanceTests.Folder, f).Replace('\\', '/'));
                return data;
            }
        }

        [Fact]
        public void Both_corpora_are_fed()
        {
            Assert.Equal(120 + 22, AllFiles.Count);
        }

        [Theory]
        [MemberData(nameof(AllFiles))]
        public async Task Each_importer_ends_in_a_result_or_one_classified_error(string name)
        {
            string path = Path.Combine(AppContext.BaseDirectory, "testdata", name);
            try { await new ReportImporter().ImportFileAsync(path, new CollectingReceiver(), CancellationToken.None); }
            catch (SmtpToolsException e) { Assert.False(string.IsNullOrEmpty(e.ErrorId)); }
            try { await new BounceImporter(new BounceImportOptions { IncludeNonBounce = true }).ImportFileAsync(path, CancellationToken.None); }
            catch (SmtpToolsException e) { Assert.False(string.IsNullOrEmpty(e.ErrorId)); }
        }
    }
}
