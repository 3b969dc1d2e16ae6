namespace SmtpTools
{
    /// <summary>Milliseconds spent in each phase of a probe (0 when it did not run) and in total.</summary>
    public sealed class SmtpConnectionTimings
    {
        public double Resolve { get; set; }
        public double Connect { get; set; }
        public double Banner { get; set; }
        public double Ehlo { get; set; }
        public double StartTls { get; set; }
        public double Authenticate { get; set; }
        public double Sender { get; set; }
        public double Recipient { get; set; }
        public double Total { get; set; }

        public override string ToString() =>
            $"Connect {Connect:0.#} ms, Banner {Banner:0.#} ms, Ehlo {Ehlo:0.#} ms, StartTls {StartTls:0.#} ms, Authenticate {Authenticate:0.#} ms, Total {Total:0.#} ms";
    }
}
