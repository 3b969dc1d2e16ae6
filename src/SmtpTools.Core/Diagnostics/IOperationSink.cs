namespace SmtpTools.Core.Diagnostics
{
    /// <summary>
    /// How Core tells its caller what it is doing. Strings and numbers only, so the cmdlet assembly can
    /// turn them into Write-Verbose / Write-Warning / Write-Progress on the pipeline thread. Implementations
    /// must be thread-safe: Core calls them from worker threads.
    /// </summary>
    public interface IOperationSink
    {
        void Verbose(string message);
        void Debug(string message);
        void Warning(string message);
        /// <param name="activity">What is being done overall, e.g. "Auditing SPF".</param>
        /// <param name="status">The current item.</param>
        /// <param name="percentComplete">0..100, or -1 when unknown.</param>
        void Progress(string activity, string status, int percentComplete);
    }

    /// <summary>A sink that drops everything; the default when a caller passes none.</summary>
    public sealed class NullOperationSink : IOperationSink
    {
        public static readonly NullOperationSink Instance = new NullOperationSink();
        private NullOperationSink() { }
        public void Verbose(string message) { }
        public void Debug(string message) { }
        public void Warning(string message) { }
        public void Progress(string activity, string status, int percentComplete) { }
    }
}
