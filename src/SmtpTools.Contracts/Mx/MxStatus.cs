namespace SmtpTools
{
    /// <summary>Test-MxRecord's verdict for one domain: how mail reaches it, and how clean the set-up is.</summary>
    public enum MxStatus
    {
        /// <summary>MX hosts that receive mail, and no warnings.</summary>
        Valid,
        /// <summary>Mail is deliverable, with warnings (a host without reverse DNS, a CNAME or address-less host …).</summary>
        Warning,
        /// <summary>Mail is deliverable, but the records break a rule (a null MX beside other MX records, an IP literal as a host).</summary>
        Invalid,
        /// <summary>No MX record: mail goes to the domain's own address (RFC 5321 5.1 implicit MX).</summary>
        ImplicitMx,
        /// <summary>The domain says it accepts no mail (RFC 7505 null MX "0 .").</summary>
        NullMx,
        /// <summary>The domain cannot receive mail: it does not exist, has neither MX nor address, or none of its MX hosts has an address.</summary>
        NoMail,
        /// <summary>A DNS lookup failed (timeout, SERVFAIL): the result is incomplete; try again later.</summary>
        TempError,
    }
}
