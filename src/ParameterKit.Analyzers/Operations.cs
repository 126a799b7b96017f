using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ParameterKit.Analyzers;

/// <summary>Small walks over the operation tree that several rules need.</summary>
internal static class Operations
{
    /// <summary>Strips implicit and explicit conversions and parentheses.</summary>
    public static IOperation WithoutConversions(this IOperation operation)
    {
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation conversion:
                    operation = conversion.Operand;
                    break;
                case IParenthesizedOperation parenthesized:
                    operation = parenthesized.Operand;
                    break;
                default:
                    return operation;
            }
        }
    }

    /// <summary>The operation's parent, skipping conversions and parentheses around it.</summary>
    public static IOperation? ParentSkippingConversions(this IOperation operation)
    {
        var parent = operation.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation)
        {
            parent = parent.Parent;
        }
        return parent;
    }

    /// <summary>True when a lambda, anonymous method or local function separates the operation from the code around it.</summary>
    public static bool IsFunctionBoundary(this IOperation operation) =>
        operation is IAnonymousFunctionOperation or ILocalFunctionOperation;

    /// <summary>The innermost loop around <paramref name="operation"/> in the same function, or null.</summary>
    public static ILoopOperation? EnclosingLoop(this IOperation operation)
    {
        for (var current = operation.Parent; current is not null && !current.IsFunctionBoundary(); current = current.Parent)
        {
            if (current is ILoopOperation loop)
            {
                return loop;
            }
        }
        return null;
    }

    /// <summary>The top of the operation tree that holds <paramref name="operation"/> (a method body, an initializer).</summary>
    public static IOperation Root(this IOperation operation)
    {
        var current = operation;
        while (current.Parent is not null)
        {
            current = current.Parent;
        }
        return current;
    }

    /// <summary>Every descendant, not entering lambdas or local functions (their code runs at another time).</summary>
    public static IEnumerable<IOperation> DescendantsInSameFunction(this IOperation operation)
    {
        var stack = new Stack<IOperation>();
        foreach (var child in operation.ChildOperations)
        {
            stack.Push(child);
        }
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            yield return current;
            if (current.IsFunctionBoundary())
            {
                continue;
            }
            foreach (var child in current.ChildOperations)
            {
                stack.Push(child);
            }
        }
    }

    /// <summary>Invocations inside <paramref name="operation"/> but not inside a nested loop or function.</summary>
    public static IEnumerable<IInvocationOperation> InvocationsOutsideNestedLoops(this IOperation operation)
    {
        var stack = new Stack<IOperation>();
        foreach (var child in operation.ChildOperations)
        {
            stack.Push(child);
        }
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            if (current is IInvocationOperation invocation)
            {
                yield return invocation;
            }
            if (current.IsFunctionBoundary() || current is ILoopOperation)
            {
                continue;
            }
            foreach (var child in current.ChildOperations)
            {
                stack.Push(child);
            }
        }
    }
}
