using System.Collections.Generic;
using SmtpTools.Core.Diagnostics;

namespace SmtpTools.Core.Tests.Support
{
    /// <summary>An IOperationSink that keeps what it is told (thread-safe).</summary>
    public sealed class RecordingSink : IOperationSink
    {
        public List<string> VerboseLines { get; } = new List<string>();
        public List<string> DebugLines { get; } = new List<string>();
        public List<string> Warnings { get; } = new List<string>();

        public void Verbose(string message) { lock (VerboseLines) VerboseLines.Add(message); }
        public void Debug(string message) { lock (DebugLines) DebugLines.Add(message); }
        public void Warning(string message) { lock (Warnings) Warnings.Add(message); }
        public List<(string Activity, string Status, int Percent)> ProgressReports { get; } = new List<(string, string, int)>();

        public void Progress(string activity, string status, int percentComplete) { lock (ProgressReports) ProgressReports.Add((activity, status, percentComplete)); }
    }
}
