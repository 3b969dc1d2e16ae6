using System;
using System.Collections.Generic;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTools.Core.Dane
{
    /// <summary>How far an SMTP connection got towards TLS.</summary>
    public enum StartTlsOutcome
    {
        /// <summary>STARTTLS and the TLS handshake completed; the presented chain is known.</summary>
        Completed,
        /// <summary>The server answered but did not offer STARTTLS (or refused it).</summary>
        StartTlsNotOffered,
        /// <summary>STARTTLS was accepted but the TLS handshake failed.</summary>
        TlsFailed,
        /// <summary>No SMTP session: the connection was refused, timed out, or the server did not greet.</summary>
        ConnectFailed,
    }

    /// <summary>
    /// One STARTTLS attempt as DANE needs it: how far it got and the certificates the server sent in the handshake, in
    /// the order sent (leaf first) — not a chain the platform built from its own store, which could contain a CA the
    /// server never sent and make a DANE-TA record match that a sender would not match.
    /// </summary>
    public sealed class StartTlsHandshake
    {
        private StartTlsHandshake(StartTlsOutcome outcome, IReadOnlyList<byte[]> chain, string error)
        {
            Outcome = outcome;
            PresentedChain = chain ?? Array.Empty<byte[]>();
            Error = error;
        }

        public StartTlsOutcome Outcome { get; }
        /// <summary>DER certificates as sent (Completed only).</summary>
        public IReadOnlyList<byte[]> PresentedChain { get; }
        /// <summary>What went wrong (not Completed), as the prober reported it.</summary>
        public string Error { get; }

        /// <exception cref="ArgumentException">The chain is empty.</exception>
        public static StartTlsHandshake Completed(IReadOnlyList<byte[]> presentedChain)
        {
            if (presentedChain == null || presentedChain.Count == 0) throw new ArgumentException("A completed handshake has a certificate.", nameof(presentedChain));
            return new StartTlsHandshake(StartTlsOutcome.Completed, presentedChain, null);
        }

        public static StartTlsHandshake Failed(StartTlsOutcome outcome, string error) =>
            outcome == StartTlsOutcome.Completed ? throw new ArgumentException("Use Completed.", nameof(outcome)) : new StartTlsHandshake(outcome, null, error);
    }

    /// <summary>Connects to an SMTP server, issues STARTTLS and reports what the server presented (the seam to the SMTP prober).</summary>
    public interface IStartTlsHandshaker
    {
        /// <summary>Never throws for network or protocol failures (they are outcomes); throws OperationCanceledException when cancelled.</summary>
        Task<StartTlsHandshake> HandshakeAsync(string hostName, IPAddress address, int port, CancellationToken cancellationToken);
    }
}
