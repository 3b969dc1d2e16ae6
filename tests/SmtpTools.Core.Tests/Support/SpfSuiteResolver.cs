using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using DnsClient;
using SmtpTools.Core.Dns;
using YamlDotNet.RepresentationModel;

namespace SmtpTools.Core.Tests.Support
{
    /// <summary>
    /// The fake DNS of one OpenSPF suite scenario, built from its <c>zonedata</c> by the rules of
    /// testdata/spf/FORMAT.md: TXT synthesised from SPF entries when a name has no TXT entry, <c>TXT: NONE</c>,
    /// the <c>TIMEOUT</c> marker (entries of the asked type before it answer, otherwise the question times out),
    /// CNAME chains with loop detection, NXDOMAIN for unknown names and NODATA for known ones.
    /// </summary>
    public sealed class SpfSuiteResolver : IDnsResolver
    {
        private readonly Dictionary<string, List<Entry>> _zone = new(StringComparer.OrdinalIgnoreCase);
        private long _queries;

        public SpfSuiteResolver(YamlMappingNode zonedata)
        {
            foreach (var owner in zonedata.Children)
            {
                var entries = new List<Entry>();
                foreach (var item in ((YamlSequenceNode)owner.Value).Children)
                {
                    if (item is YamlScalarNode marker)
                    {
                        if (marker.Value != "TIMEOUT") throw new FormatException($"unexpected zonedata item '{marker.Value}'");
                        entries.Add(new Entry("TIMEOUT", null));
                        continue;
                    }
                    var pair = ((YamlMappingNode)item).Children.Single();
                    entries.Add(new Entry(((YamlScalarNode)pair.Key).Value.ToUpperInvariant(), pair.Value));
                }
                _zone[Norm(((YamlScalarNode)owner.Key).Value)] = entries;
            }
        }

        public long QueriesSent => Interlocked.Read(ref _queries);
        /// <summary>Every question asked, as "TYPE name".</summary>
        public List<string> Log { get; } = new();

        public Task<DnsAnswer<DnsTxtRecord>> GetTxtAsync(string name, CancellationToken cancellationToken) =>
            Task.FromResult(Answer(name, "TXT", cancellationToken, v =>
            {
                if (v is YamlScalarNode s) return s.Value == "NONE" ? null : new DnsTxtRecord(s.Value);
                return new DnsTxtRecord(((YamlSequenceNode)v).Children.Select(c => ((YamlScalarNode)c).Value).ToArray());
            }));

        public Task<DnsAnswer<IPAddress>> GetAddressesAsync(string name, AddressFamily family, CancellationToken cancellationToken) =>
            Task.FromResult(Answer(name, family == AddressFamily.InterNetworkV6 ? "AAAA" : "A", cancellationToken, v => IPAddress.Parse(((YamlScalarNode)v).Value)));

        public Task<DnsAnswer<DnsMxRecord>> GetMxAsync(string name, CancellationToken cancellationToken)
        {
            var answer = Answer(name, "MX", cancellationToken, v =>
            {
                var parts = ((YamlSequenceNode)v).Children.Cast<YamlScalarNode>().ToList();
                return new DnsMxRecord(int.Parse(parts[0].Value), Norm(parts[1].Value));
            });
            var sorted = answer.Records.Select((m, i) => (m, i)).OrderBy(x => x.m.Preference).ThenBy(x => x.i).Select(x => x.m).ToList();
            return Task.FromResult(new DnsAnswer<DnsMxRecord>(answer.Name, answer.Status, sorted, answer.Error, answer.Aliases));
        }

        public Task<DnsAnswer<string>> GetPtrAsync(IPAddress address, CancellationToken cancellationToken) =>
            Task.FromResult(Answer(address.GetArpaName(), "PTR", cancellationToken, v => Norm(((YamlScalarNode)v).Value)));

        // The suite's zones are unsigned and hold no TLSA: NXDOMAIN or NODATA by the same rules as every other type.
        public Task<DnsAnswer<DnsTlsaRecord>> GetTlsaAsync(string name, CancellationToken cancellationToken) =>
            Task.FromResult(Answer<DnsTlsaRecord>(name, "TLSA", cancellationToken, v => throw new FormatException("TLSA in SPF zonedata")));

        public Task<DnsAnswer<DnsSecurityFacts>> GetSecurityFactsAsync(string name, bool checkingDisabled, CancellationToken cancellationToken)
        {
            var answer = Answer<DnsSecurityFacts>(name, "SOA", cancellationToken, v => throw new FormatException("SOA in SPF zonedata"));
            if (!answer.IsSuccess) return Task.FromResult(answer);
            return Task.FromResult(new DnsAnswer<DnsSecurityFacts>(answer.Name, answer.Status, new[] { new DnsSecurityFacts(null, 0, null, null) }, null, answer.Aliases));
        }

        private DnsAnswer<T> Answer<T>(string name, string type, CancellationToken cancellationToken, Func<YamlNode, T> convert) where T : class
        {
            cancellationToken.ThrowIfCancellationRequested();
            Interlocked.Increment(ref _queries);
            string key = Norm(name);
            lock (Log) Log.Add(type + " " + key);
            if (!DnsResolver.IsAskable(key)) return DnsAnswer<T>.Failure(key, DnsResponseStatus.InvalidName, "invalid name");
            var aliases = new List<string>();
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { key };
            while (_zone.TryGetValue(key, out var chain) && chain.FirstOrDefault(e => e.Type == "CNAME") is Entry cname)
            {
                key = Norm(((YamlScalarNode)cname.Value).Value);
                aliases.Add(key);
                if (!seen.Add(key)) return DnsAnswer<T>.Failure(Norm(name), DnsResponseStatus.ServerFailure, "CNAME loop at " + key);
            }
            if (!_zone.TryGetValue(key, out var entries))
                return new DnsAnswer<T>(Norm(name), DnsResponseStatus.NonExistentDomain, Array.Empty<T>(), null, aliases);

            bool synthesiseTxt = type == "TXT" && !entries.Any(e => e.Type == "TXT");
            var records = new List<T>();
            foreach (var entry in entries)
            {
                if (entry.Type == "TIMEOUT")
                {
                    if (records.Count == 0) return DnsAnswer<T>.Failure(Norm(name), DnsResponseStatus.Timeout, $"timeout for {type} {key}");
                    break;
                }
                if (entry.Type == type) AddConverted(records, convert(entry.Value));
            }
            if (synthesiseTxt && records.Count == 0 && !entries.Any(e => e.Type == "TIMEOUT"))
                foreach (var entry in entries.Where(e => e.Type == "SPF")) AddConverted(records, convert(entry.Value));
            return new DnsAnswer<T>(Norm(name), DnsResponseStatus.NoError, records, null, aliases);
        }

        private static void AddConverted<T>(List<T> records, T value) where T : class
        {
            if (value != null) records.Add(value); // TXT: NONE is no record
        }

        private static string Norm(string name)
        {
            name = name ?? string.Empty;
            if (name.EndsWith(".")) name = name.Substring(0, name.Length - 1);
            return name.ToLowerInvariant();
        }

        private sealed record Entry(string Type, YamlNode Value);
    }
}
