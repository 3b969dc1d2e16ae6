using System;
using System.Net;
using SmtpTools.Core.Dns;
using Xunit;

namespace SmtpTools.Core.Tests.Dns
{
    public class DnsServerEndpointTests
    {
        [Theory]
        [InlineData("127.0.0.1", "127.0.0.1", 53)]
        [InlineData("127.0.0.1:5353", "127.0.0.1", 5353)]
        [InlineData("::1", "::1", 53)]
        [InlineData("[::1]", "::1", 53)]
        [InlineData("[::1]:53053", "::1", 53053)]
        [InlineData(" 127.0.0.2:1053 ", "127.0.0.2", 1053)]
        public void ParsesTheFormsUsersType(string text, string address, int port)
        {
            var endpoint = Assert.Single(DnsServerEndpoint.Parse(text));
            Assert.Equal(IPAddress.Parse(address), endpoint.Address);
            Assert.Equal(port, endpoint.Port);
        }

        [Theory]
        [InlineData("")]
        [InlineData("127.0.0.1:0")]
        [InlineData("127.0.0.1:70000")]
        [InlineData("127.0.0.1:dns")]
        [InlineData("[::1")]
        [InlineData("[::1]53")]
        [InlineData("[not-an-ip]:53")]
        public void RejectsWhatItCannotUse(string text)
        {
            Assert.Throws<FormatException>(() => DnsServerEndpoint.Parse(text));
        }

        [Fact]
        public void ParseAllDropsDuplicates()
        {
            Assert.Equal(2, DnsServerEndpoint.ParseAll(new[] { "127.0.0.1", "127.0.0.1:53", "[::1]" }).Count);
        }
    }
}
