namespace Org.BouncyCastle.Crypto.Parameters
{
    /// <summary>Shares its full name with the real library's type, so a wrong binding shows as a missing member, not as luck.</summary>
    public sealed class RsaKeyParameters
    {
        public override string ToString() => "stand-in BouncyCastle.Cryptography 1.0.0.0";
    }
}
