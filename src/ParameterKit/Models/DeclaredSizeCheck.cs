using ParameterKit.Parameters;
using ParameterKit.Tensors;

namespace ParameterKit.Models;

/// <summary>
/// Refuses, before a byte is allocated, a configuration that declares far more values than its checkpoint holds. A
/// strict load fills every declared parameter from a tensor of the same shape, so the declared total can only exceed
/// the checkpoint's when tensors are missing or misshapen; a file whose settings claim a far wider model than its
/// tensors (a 4 kB GGUF asking for 16,384 channels) used to have its float32 buffer allocated first, gigabytes, or an
/// untyped error past one buffer, before the shapes were compared.
/// </summary>
/// <remarks>
/// A small excess is left to the load itself, whose report lists every missing and misshapen tensor by name (a
/// checkpoint lacking a tensor or two should say which): only a declaration past twice the checkpoint plus
/// <see cref="Slack"/> values is refused here, so what a file can make the loader allocate stays proportional to the file.
/// </remarks>
internal static class DeclaredSizeCheck
{
    /// <summary>Values a declaration may exceed twice its checkpoint by before it is refused unread: 64 MB of float32.</summary>
    public const ulong Slack = 16 << 20;

    /// <summary>Throws when <paramref name="store"/> declares more than twice <paramref name="checkpointValues"/> plus <see cref="Slack"/>.</summary>
    /// <param name="store">The declared (not yet materialized) store.</param>
    /// <param name="checkpointValues">The element count of every tensor the checkpoint holds, together.</param>
    /// <param name="source">The configuration's file, named in the message.</param>
    /// <param name="checkpoint">The checkpoint's file.</param>
    /// <exception cref="ModelConfigException">The declaration is far larger than the checkpoint.</exception>
    public static void ThrowIfLargerThanCheckpoint(ParameterStore store, ulong checkpointValues, string source, string checkpoint)
    {
        ulong allowed = checkpointValues > (ulong.MaxValue - Slack) / 2 ? ulong.MaxValue : 2 * checkpointValues + Slack;
        if ((ulong)store.ElementCount > allowed)
        {
            string holder = checkpoint == source ? "the file's tensors hold" : $"'{checkpoint}' holds";
            throw new ModelConfigException(source, null,
                $"the settings declare a model of {store.ElementCount:N0} values, and {holder} {checkpointValues:N0} in all, " +
                "so they cannot fill it (checked before allocating the model)");
        }
    }

    /// <summary>
    /// Declares a model from settings read from <paramref name="source"/>: a shape the settings make impossible (a store
    /// past 2^63 values) is the settings' fault, reported as such rather than as an argument error from deep inside.
    /// </summary>
    /// <exception cref="ModelConfigException">Declaring failed on a shape.</exception>
    public static T Declare<T>(string source, Func<T> declare)
    {
        try
        {
            return declare();
        }
        catch (InvalidShapeException e)
        {
            throw new ModelConfigException(source, null, e.Message, e);
        }
    }

    /// <summary>The element count of <paramref name="counts"/> together, saturating instead of wrapping.</summary>
    public static ulong Total(IEnumerable<ulong> counts)
    {
        ulong total = 0;
        foreach (ulong count in counts)
        {
            total = count > ulong.MaxValue - total ? ulong.MaxValue : total + count;
        }
        return total;
    }
}
