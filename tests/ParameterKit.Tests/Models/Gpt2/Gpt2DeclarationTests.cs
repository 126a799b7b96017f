using ParameterKit.Counting;
using ParameterKit.Models.Gpt2;
using ParameterKit.Parameters;

namespace ParameterKit.Tests.Models.Gpt2;

/// <summary>
/// Counting a configuration declares the real <see cref="Gpt2Model"/> (there is no second, counting-only layout),
/// and declaring records names and shapes only: no parameter values are allocated, even for GPT-3 175B.
/// </summary>
public sealed class Gpt2DeclarationTests
{
    public static TheoryData<string> Configs => ["Small", "Medium", "Large", "XL", "Gpt3"];

    private static Gpt2Config Named(string name) => name switch
    {
        "Small" => Gpt2Config.Small,
        "Medium" => Gpt2Config.Medium,
        "Large" => Gpt2Config.Large,
        "XL" => Gpt2Config.XL,
        _ => Gpt2Config.Gpt3,
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void Declaring_allocates_no_values(string name)
    {
        Gpt2Config config = Named(name);
        _ = new Gpt2Config(11, 8, 6, 1, 2).Declare(); // compiles the code paths, so the measurement is the declaration's alone

        long before = GC.GetAllocatedBytesForCurrentThread();
        ParameterStore store = config.Declare();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        long valueBytes = store.ElementCount * sizeof(float);
        // Names, shapes and module objects: a few hundred bytes per parameter. The bound is 4 MB, while the values
        // would take 498 MB (gpt2) to 700 GB (GPT-3): allocating even one layer's weights would break it.
        Assert.True(allocated < 4 << 20, $"declaring {name} allocated {allocated:N0} bytes ({valueBytes:N0} bytes of values)");
        Assert.False(store.IsMaterialized);
    }

    [Fact]
    public void Counting_declares_the_runnable_model()
    {
        ParameterStore store = Gpt2Config.Gpt3.Declare();
        Assert.Equal(174_604_259_328L, store.Count().Total);
        Assert.Contains(store.Summary(depth: 2).Rows, r => r.Path == "h.95" && r.TypeName == nameof(Gpt2Block));
        Assert.Equal(nameof(CausalSelfAttention), store.Summary(depth: 3).Rows.Single(r => r.Path == "h.0.attn").TypeName);
    }
}
