using System.Management.Automation;
using SmtpTools.Core.Diagnostics;

namespace SmtpTools.Infrastructure
{
    /// <summary>Turns Core's progress/verbose/warning calls (from any thread) into pipeline-thread Write* calls.</summary>
    internal sealed class CmdletOperationSink : IOperationSink
    {
        private readonly AsyncCmdlet _cmdlet;
        private readonly int _activityId;

        public CmdletOperationSink(AsyncCmdlet cmdlet, int activityId = ProgressActivityIds.Default)
        {
            _cmdlet = cmdlet;
            _activityId = activityId;
        }

        public void Verbose(string message) => _cmdlet.VerboseFromAnyThread(message);
        public void Debug(string message) => _cmdlet.DebugFromAnyThread(message);
        public void Warning(string message) => _cmdlet.WarningFromAnyThread(message);

        public void Progress(string activity, string status, int percentComplete) =>
            _cmdlet.ProgressFromAnyThread(new ProgressRecord(_activityId, activity, string.IsNullOrEmpty(status) ? activity : status)
            {
                PercentComplete = percentComplete < 0 ? -1 : System.Math.Min(100, percentComplete),
            });
    }
}
