namespace SmtpTools
{
    /// <summary>
    /// The overall grade of a domain's email posture (rubric: about_SmtpTools and Test-EmailDomain's help; the reasons
    /// of a grade below A are in <see cref="EmailDomainReport.GradeReasons"/>). A is best; the order is the enum order.
    /// </summary>
    public enum EmailDomainGrade
    {
        /// <summary>Everything checked is published and correct.</summary>
        A,
        /// <summary>Protected against spoofing, but something recommended is missing or weak (DKIM not found, MTA-STS not enforced …).</summary>
        B,
        /// <summary>Spoofable or broken in one respect: no usable SPF, or no enforcing DMARC policy.</summary>
        C,
        /// <summary>Two or more C-level problems.</summary>
        D,
        /// <summary>Anyone can send as the domain: neither a usable SPF record nor a DMARC policy, or SPF authorises the whole Internet (+all) without an enforcing DMARC policy.</summary>
        F,
        /// <summary>SPF or DMARC could not be checked (DNS failure, timeout): no grade can be given; see the TempError checks.</summary>
        Unknown,
    }
}
