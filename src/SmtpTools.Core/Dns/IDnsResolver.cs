using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTools.Core.Dns
{
    /// <summary>
    /// The one DNS layer everything in Core asks. Implementations never throw for DNS failures (they return a
    /// <see cref="DnsAnswer{T}"/> with a failure status); they throw only <see cref="System.OperationCanceledException"/>
    /// when the token is cancelled. Names are given without a trailing dot; case does not matter.
    /// </summary>
    public interface IDnsResolver
    {
        Task<DnsAnswer<DnsTxtRecord>> GetTxtAsync(string name, CancellationToken cancellationToken);
        /// <param name="family">InterNetwork for A, InterNetworkV6 for AAAA.</param>
        Task<DnsAnswer<IPAddress>> GetAddressesAsync(string name, AddressFamily family, CancellationToken cancellationToken);
        /// <summary>MX records sorted by preference (lowest first), ties in the server's order.</summary>
        Task<DnsAnswer<DnsMxRecord>> GetMxAsync(string name, CancellationToken cancellationToken);
        /// <summary>PTR names of the reverse name of <paramref name="address"/>, without trailing dots.</summary>
        Task<DnsAnswer<string>> GetPtrAsync(IPAddress address, CancellationToken cancellationToken);
        /// <summary>
        /// TLSA records (RFC 6698) at <paramref name="name"/> (e.g. <c>_25._tcp.mx.example.com</c>), asked with DO; DANE may
        /// use them only when <see cref="DnsAnswer{T}.Authenticated"/> is true (RFC 7672 2.2).
        /// </summary>
        Task<DnsAnswer<DnsTlsaRecord>> GetTlsaAsync(string name, CancellationToken cancellationToken);
        /// <summary>
        /// The DNSSEC view of <paramref name="name"/>: its SOA asked with DO (and CD when <paramref name="checkingDisabled"/>),
        /// read for the AD bit and the signatures that came along; one <see cref="DnsSecurityFacts"/> in Records on success.
        /// A validating resolver answers SERVFAIL for a bogus zone unless CD is set. See <c>Dnssec/DnssecChecker</c>.
        /// </summary>
        Task<DnsAnswer<DnsSecurityFacts>> GetSecurityFactsAsync(string name, bool checkingDisabled, CancellationToken cancellationToken);
        /// <summary>Questions actually sent to a server (cache hits excluded); for benchmarks and verbose output.</summary>
        long QueriesSent { get; }
    }
}
