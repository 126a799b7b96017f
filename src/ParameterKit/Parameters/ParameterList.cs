using System.Collections;

namespace ParameterKit.Parameters;

/// <summary>
/// A read-only view of a store's parameters. A struct with a struct enumerator, so <c>foreach</c> over
/// <see cref="ParameterStore.Parameters"/> in a training step allocates nothing (an <see cref="IReadOnlyList{T}"/>
/// would box its enumerator on every loop).
/// </summary>
public readonly struct ParameterList : IReadOnlyList<Parameter>
{
    private readonly List<Parameter> _items;

    internal ParameterList(List<Parameter> items) => _items = items;

    /// <summary>How many parameters.</summary>
    public int Count => _items.Count;

    /// <summary>The parameter at <paramref name="index"/> in declaration order.</summary>
    /// <param name="index">Zero-based position.</param>
    public Parameter this[int index] => _items[index];

    /// <summary>Returns a non-allocating enumerator.</summary>
    public List<Parameter>.Enumerator GetEnumerator() => _items.GetEnumerator();

    IEnumerator<Parameter> IEnumerable<Parameter>.GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();
}
