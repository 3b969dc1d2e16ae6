using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace SmtpTools.Module.Tests.Infrastructure
{
    /// <summary>What one script run produced, stream by stream.</summary>
    public sealed class PsResult
    {
        public IReadOnlyList<PSObject> Output { get; init; }
        public IReadOnlyList<ErrorRecord> Errors { get; init; }
        public IReadOnlyList<string> Warnings { get; init; }
        public IReadOnlyList<string> Verbose { get; init; }
        public IReadOnlyList<string> Debug { get; init; }
        public IReadOnlyList<ProgressRecord> Progress { get; init; }
        /// <summary>Text the host received (Out-Default rendering).</summary>
        public string HostText { get; init; }
        /// <summary>The terminating error, if the script threw.</summary>
        public Exception Terminating { get; init; }

        public PSObject Single() => Output.Count == 1 ? Output[0] : throw new InvalidOperationException($"Expected one output object, got {Output.Count}. Errors: {string.Join("; ", Errors.Select(e => e.ToString()))}; {Terminating}");
        public T Value<T>(int index, string property) => (T)LanguagePrimitives.ConvertTo(Output[index].Properties[property].Value, typeof(T));
        public override string ToString() => $"{Output.Count} output, {Errors.Count} errors [{string.Join(" | ", Errors.Select(e => e.FullyQualifiedErrorId + ": " + e))}] {Terminating}";
    }

    /// <summary>
    /// A runspace of the real PowerShell engine with SmtpTools imported from out/SmtpTools, plus a recording host.
    /// One per test class is plenty (IClassFixture); each Run starts a fresh pipeline in the same runspace.
    /// </summary>
    public sealed class PsSession : IDisposable
    {
        private readonly Runspace _runspace;

        /// <summary>A session with SmtpTools imported (usable as an xUnit class fixture).</summary>
        public PsSession() : this(importModule: true) { }

        /// <summary>A session without SmtpTools, for tests of the import itself.</summary>
        public static PsSession WithoutModule() => new PsSession(importModule: false);

        private PsSession(bool importModule)
        {
            ModulePaths.EnsureBuilt();
            Host = new TestHost();
            var iss = InitialSessionState.CreateDefault2();
            _runspace = RunspaceFactory.CreateRunspace(Host, iss);
            _runspace.Open();
            Run("$PSStyle.OutputRendering = 'PlainText'; $ProgressPreference = 'SilentlyContinue'").ThrowOnError();
            if (importModule)
                Run($"Import-Module '{ModulePaths.Manifest.Replace("'", "''")}' -ErrorAction Stop").ThrowOnError();
        }

        public TestHost Host { get; }

        /// <summary>Runs script text; never throws for PowerShell errors (see <see cref="PsResult.Terminating"/>).</summary>
        public PsResult Run(string script, IDictionary<string, object> variables = null)
        {
            using var ps = PowerShell.Create();
            ps.Runspace = _runspace;
            if (variables != null)
                foreach (var pair in variables) _runspace.SessionStateProxy.SetVariable(pair.Key, pair.Value);
            ps.AddScript(script);
            Host.ClearText();
            Exception terminating = null;
            var output = new List<PSObject>();
            try { output.AddRange(ps.Invoke()); }
            catch (RuntimeException ex) { terminating = ex; }
            catch (Exception ex) when (ex is PSInvalidOperationException || ex is InvalidOperationException) { terminating = ex; }
            return new PsResult
            {
                Output = output,
                Errors = ps.Streams.Error.ToList(),
                Warnings = ps.Streams.Warning.Select(w => w.Message).ToList(),
                Verbose = ps.Streams.Verbose.Select(v => v.Message).ToList(),
                Debug = ps.Streams.Debug.Select(v => v.Message).ToList(),
                Progress = ps.Streams.Progress.ToList(),
                HostText = Host.Text,
                Terminating = terminating,
            };
        }

        /// <summary>
        /// Starts <paramref name="script"/>, waits until <paramref name="busy"/> says it is blocked on the network, then
        /// stops the pipeline as Ctrl+C does. Returns whether the stop finished within <paramref name="stopWithin"/>
        /// and how the pipeline ended.
        /// </summary>
        public (bool StoppedInTime, PSInvocationState State, Exception Error) RunAndStop(string script, Func<bool> busy, TimeSpan stopWithin, IDictionary<string, object> variables = null)
        {
            using var ps = PowerShell.Create();
            ps.Runspace = _runspace;
            if (variables != null)
                foreach (var pair in variables) _runspace.SessionStateProxy.SetVariable(pair.Key, pair.Value);
            ps.AddScript(script);
            var invocation = ps.BeginInvoke();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!busy() && !invocation.IsCompleted && DateTime.UtcNow < deadline) System.Threading.Thread.Sleep(20);
            if (invocation.IsCompleted) throw new InvalidOperationException("The script ended before it could be stopped: " + ps.InvocationStateInfo.Reason
                + " " + string.Join("; ", ps.Streams.Error.Select(e => e.ToString())) + " " + string.Join("; ", ps.EndInvoke(invocation).Select(o => o?.ToString())));
            var stop = System.Threading.Tasks.Task.Run(() => ps.Stop());
            bool inTime = stop.Wait(stopWithin);
            if (!inTime) stop.Wait(); // let it finish so the runspace is usable by the next test
            Exception error = null;
            try { ps.EndInvoke(invocation); } catch (Exception ex) { error = ex; }
            return (inTime, ps.InvocationStateInfo.State, error);
        }

        /// <summary>Pipes the script's output to Out-Default and returns the rendered text (format views).</summary>
        public string Render(string script)
        {
            var result = Run("& { " + script + " } | Out-Default");
            result.ThrowOnError();
            return result.HostText;
        }

        public void Dispose() => _runspace.Dispose();
    }

    public static class PsResultExtensions
    {
        public static PsResult ThrowOnError(this PsResult result)
        {
            if (result.Terminating != null || result.Errors.Count > 0)
                throw new InvalidOperationException("PowerShell failed: " + result);
            return result;
        }
    }
}
