#if !NET5_0_OR_GREATER
// net472 lacks the attribute type that init-only setters and records need.
namespace System.Runtime.CompilerServices
{
    internal static class IsExternalInit { }
}
#endif
