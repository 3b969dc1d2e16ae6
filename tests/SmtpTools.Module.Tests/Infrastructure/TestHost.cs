using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using System.Text;

namespace SmtpTools.Module.Tests.Infrastructure
{
    /// <summary>A non-interactive host that records everything written to it (what Out-Default renders).</summary>
    public sealed class TestHost : PSHost
    {
        private readonly Guid _id = Guid.NewGuid();
        private readonly RecordingUserInterface _ui = new RecordingUserInterface();

        public string Text => _ui.Text;
        public void ClearText() => _ui.Clear();

        public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
        public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
        public override Guid InstanceId => _id;
        public override string Name => "SmtpToolsTestHost";
        public override PSHostUserInterface UI => _ui;
        public override Version Version => new Version(1, 0);
        public override void EnterNestedPrompt() => throw new NotSupportedException();
        public override void ExitNestedPrompt() => throw new NotSupportedException();
        public override void NotifyBeginApplication() { }
        public override void NotifyEndApplication() { }
        public override void SetShouldExit(int exitCode) { }

        private sealed class RecordingUserInterface : PSHostUserInterface
        {
            private readonly StringBuilder _text = new StringBuilder();
            private readonly RecordingRawUserInterface _raw = new RecordingRawUserInterface();

            public string Text { get { lock (_text) return _text.ToString(); } }
            public void Clear() { lock (_text) _text.Clear(); }

            public override PSHostRawUserInterface RawUI => _raw;
            public override void Write(string value) { lock (_text) _text.Append(value); }
            public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Write(value);
            public override void WriteLine(string value) { lock (_text) _text.Append(value).Append('\n'); }
            public override void WriteErrorLine(string value) => WriteLine(value);
            public override void WriteDebugLine(string message) { }
            public override void WriteProgress(long sourceId, ProgressRecord record) { }
            public override void WriteVerboseLine(string message) { }
            public override void WriteWarningLine(string message) { }
            public override string ReadLine() => throw new NotSupportedException("No input in tests.");
            public override SecureString ReadLineAsSecureString() => throw new NotSupportedException("No input in tests.");
            public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) => throw new NotSupportedException("No prompts in tests.");
            public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw new NotSupportedException("No prompts in tests.");
            public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw new NotSupportedException("No prompts in tests.");
            public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) => throw new NotSupportedException("No prompts in tests.");
        }

        private sealed class RecordingRawUserInterface : PSHostRawUserInterface
        {
            public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
            public override Size BufferSize { get; set; } = new Size(250, 3000);
            public override Coordinates CursorPosition { get; set; }
            public override int CursorSize { get; set; }
            public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.White;
            public override bool KeyAvailable => false;
            public override Size MaxPhysicalWindowSize => new Size(250, 3000);
            public override Size MaxWindowSize => new Size(250, 3000);
            public override Coordinates WindowPosition { get; set; }
            public override Size WindowSize { get; set; } = new Size(250, 3000);
            public override string WindowTitle { get; set; } = "";
            public override void FlushInputBuffer() { }
            public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new NotSupportedException();
            public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException();
            public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) { }
            public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) { }
            public override void SetBufferContents(Rectangle rectangle, BufferCell fill) { }
        }
    }
}
