namespace SmtpTools
{
    /// <summary>The checks Test-EmailDomain can run for a domain (-Check, -ExcludeCheck), in the order its report lists them.</summary>
    public enum EmailDomainCheck
    {
        /// <summary>Get-SpfRecord: the SPF record and its include tree.</summary>
        Spf,
        /// <summary>Test-DmarcPolicy: the DMARC policy that applies to the domain.</summary>
        Dmarc,
        /// <summary>Test-DkimRecord: DKIM keys at the given or probed selectors.</summary>
        Dkim,
        /// <summary>Test-MxRecord: the MX hosts, their addresses and reverse DNS.</summary>
        Mx,
        /// <summary>Test-MtaStsPolicy: the _mta-sts record and the policy served over HTTPS.</summary>
        MtaSts,
        /// <summary>Test-TlsRptRecord: the _smtp._tls reporting record.</summary>
        TlsRpt,
        /// <summary>Test-BimiRecord: the default._bimi record, its logo and mark certificate.</summary>
        Bimi,
        /// <summary>Test-DnssecStatus: whether the domain's answers are DNSSEC-validated.</summary>
        Dnssec,
        /// <summary>Test-DnsBlocklist -IncludeMx: the domain on domain lists, its MX addresses on IP lists.</summary>
        Blocklist,
        /// <summary>DANE for SMTP (Test-SmtpConnection -Dane): the MX hosts' TLSA records, DNSSEC-validated; with -ProbeMx matched against the certificates they present.</summary>
        Dane,
        /// <summary>Test-SmtpConnection on each MX host (-ProbeMx only): STARTTLS offered, the TLS handshake, the certificate.</summary>
        SmtpTls,
    }
}
